/** `count(1, 'problem')` → `1 problem`, `count(2, 'problem')` → `2 problems`; irregular plurals as the third argument. */
export function count(n: number | bigint, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 || n === 1n ? noun : plural}`;
}

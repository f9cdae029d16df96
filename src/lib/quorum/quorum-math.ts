/** Majority arithmetic, in one place (etcd's quorum/majority.go). */
export function majority(size: number): number {
  return Math.floor(size / 2) + 1;
}

export function isMajority(count: number, size: number): boolean {
  return count >= majority(size);
}

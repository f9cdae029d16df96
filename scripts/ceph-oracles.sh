#!/usr/bin/env bash
# Newer Ceph releases as test oracles, each in its own Debian chroot (run as root on Debian 12):
#   reef      Debian trixie -> ceph 18.2.x      tentacle  Debian sid -> ceph 20.2.x
# Pacific (16.2) is the host's own bookworm packages: apt-get install ceph-mon ceph-base ceph-common.
#
#   ceph-oracles.sh build [RELEASE...]          build what is missing (idempotent; ~2-7 min and ~0.7 GB each)
#   ceph-oracles.sh path RELEASE                print the chroot's directory
#   ceph-oracles.sh run RELEASE CMD [ARG...]    run CMD inside the chroot
#   ceph-oracles.sh exec RELEASE [--bind DIR]... -- CMD [ARG...]
#                                               run CMD inside the chroot with each host DIR bind-mounted
#                                               at the same path (so host paths work unchanged); the
#                                               binds are removed when CMD ends, also on failure/signals
#   ceph-oracles.sh bind|unbind RELEASE DIR...  add / remove such binds by hand (for daemons)
#   ceph-oracles.sh mount|umount RELEASE        bring /proc,/sys,/dev,/dev/pts up in the chroot / take them down
#
# run and exec bring /proc,/sys,/dev up when needed and LEAVE THEM UP: other processes may be
# using the chroot at the same time. Only `umount` takes them down. Commands run with the
# working directory kept when it exists inside the chroot (else /) and CEPH_CONF=/dev/null.
# Env: CEPH_ORACLES_DIR (default /var/lib/ceph-oracles), MIRROR (default: the host's own Debian
# mirror), PKGS (extra packages).
set -euo pipefail
ROOT=${CEPH_ORACLES_DIR:-/var/lib/ceph-oracles}
host_mirror() {
  { awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null
    { grep -hoE '^deb +https?://[^ ]+' /etc/apt/sources.list 2>/dev/null || true; } | awk '{print $2}'
  } | head -n 1 || true
}
MIRROR=${MIRROR:-$(host_mirror)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CORE_PKGS="ceph-mon ceph-osd ceph-base ceph-common"

die() { echo "ceph-oracles: $*" >&2; exit 1; }
suite() { case $1 in reef) echo trixie;; tentacle) echo sid;; *) echo "ceph-oracles: unknown release: $1 (reef|tentacle)" >&2; exit 2;; esac; }
dir() { suite "$1" >/dev/null; echo "$ROOT/$1"; }
# Built = every core package fully installed (a half-finished build has ceph-mon but not this).
ready() { local d=$1 s
  [ -x "$d/usr/bin/ceph-mon" ] || return 1
  s=$(chroot "$d" dpkg-query -W -f='${db:Status-Abbrev}\n' $CORE_PKGS 2>/dev/null) || return 1
  [ "$(grep -c '^ii' <<<"$s")" -eq "$(wc -w <<<"$CORE_PKGS")" ]; }
need_ready() { ready "$1" || die "$(basename "$1"): not built (run: $0 build $(basename "$1"))"; }
mounts_under() { awk -v p="$1/" 'index($2, p) == 1 {print $2}' /proc/mounts; }

mount_all() { local d=$1 m
  for m in proc sys dev dev/pts; do mountpoint -q "$d/$m" || mount --bind "/$m" "$d/$m"; done; }
umount_all() { local d=$1 m
  for m in dev/pts dev sys proc; do ! mountpoint -q "$d/$m" || umount -l "$d/$m"; done; }

# bind/unbind: host DIR at the same absolute path inside the chroot.
bind_dirs() { local d=$1 a b; shift
  for a in "$@"; do
    b=$(realpath -e "$a" 2>/dev/null) || die "bind: no such directory: $a"
    [ -d "$b" ] && [ "$b" != / ] || die "bind: not a directory (or /): $b"
    case "$b/" in "$d"/*|"$ROOT"/*) die "bind: $b is inside the chroots' directory";; esac
    mkdir -p "$d$b"
    mount --bind "$b" "$d$b"
  done; }
unbind_dirs() { local d=$1 b t; shift
  for b in "$@"; do
    t="$d$(realpath -m "$b")"
    mountpoint -q "$t" || continue
    umount "$t" 2>/dev/null || umount -l "$t"
    rmdir "$t" 2>/dev/null || true   # still a mountpoint (another user's bind) or not empty: keep it
  done; }

# Run "$@" inside chroot $d as a child (stdin kept), forwarding TERM/INT/HUP to it.
in_chroot() { local d=$1 wd=/ child rc; shift
  [ -d "$d$PWD" ] && wd=$PWD
  chroot "$d" /bin/sh -c 'cd "$1" && shift && exec env CEPH_CONF=/dev/null "$@"' sh "$wd" "$@" <&0 &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null || true' TERM INT HUP
  while kill -0 "$child" 2>/dev/null; do wait "$child" || true; done
  wait "$child" && rc=0 || rc=$?
  trap - TERM INT HUP
  return "$rc"; }

build() { local rel=$1 d t0=$SECONDS; d=$(dir "$rel")
  mkdir -p "$ROOT"
  exec 9>"$ROOT/.$rel.lock"; flock 9   # one build of a release at a time
  if ready "$d"; then echo "$rel: ready ($(chroot "$d" ceph-mon --version | cut -d' ' -f1-3))"; exec 9>&-; return; fi
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  [ -d "$d" ] && umount_all "$d"
  [ -z "$(mounts_under "$d")" ] || die "$rel: refusing to remove $d: still mounted: $(mounts_under "$d" | tr '\n' ' ')"
  rm -rf "$d"
  echo "$rel: debootstrap $(suite "$rel") from $MIRROR"
  debootstrap --variant=minbase "$(suite "$rel")" "$d" "$MIRROR" >"$ROOT/.$rel.build.log" 2>&1 ||
    { tail -n 20 "$ROOT/.$rel.build.log" >&2; die "$rel: debootstrap failed (log: $ROOT/.$rel.build.log)"; }
  printf '#!/bin/sh\nexit 101\n' >"$d/usr/sbin/policy-rc.d"; chmod +x "$d/usr/sbin/policy-rc.d"  # no services from maintainer scripts
  echo 'Acquire::Check-Valid-Until "false";' >"$d/etc/apt/apt.conf.d/99no-valid-until"          # sid's Release may have expired
  mount_all "$d"
  { chroot "$d" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive chroot "$d" apt-get install -y -qq --no-install-recommends $CORE_PKGS ${PKGS:-} &&
    chroot "$d" apt-get clean; } >>"$ROOT/.$rel.build.log" 2>&1 ||
    { tail -n 20 "$ROOT/.$rel.build.log" >&2; die "$rel: installing Ceph failed (log: $ROOT/.$rel.build.log)"; }
  ready "$d" || die "$rel: Ceph packages not installed after the build (log: $ROOT/.$rel.build.log)"
  echo "$rel: built in $((SECONDS - t0)) s, $(du -shx "$d" 2>/dev/null | cut -f1), $(chroot "$d" ceph-mon --version | cut -d' ' -f1-3)"
  exec 9>&-
}

[ "$(id -u)" = 0 ] || die "run as root"
cmd=${1:-}; shift || true
case $cmd in
  build) [ $# -gt 0 ] || set -- reef tentacle
         for r in "$@"; do build "$r"; done;;
  path) dir "${1:?release}";;
  mount) d=$(dir "${1:?release}"); need_ready "$d"; mount_all "$d";;
  umount) umount_all "$(dir "${1:?release}")";;
  bind|unbind) d=$(dir "${1:?release}"); shift; need_ready "$d"; "${cmd}_dirs" "$d" "$@";;
  run) d=$(dir "${1:?release}"); shift; [ $# -gt 0 ] || die "run: no command"
       need_ready "$d"; mount_all "$d"; in_chroot "$d" "$@" && rc=0 || rc=$?; exit "$rc";;
  exec) d=$(dir "${1:?release}"); shift; binds=()
        while [ $# -gt 0 ]; do
          case $1 in
            --bind) [ $# -ge 2 ] || die "exec: --bind needs a directory"; binds+=("$2"); shift 2;;
            --bind=*) binds+=("${1#--bind=}"); shift;;
            --) shift; break;;
            *) break;;
          esac
        done
        [ $# -gt 0 ] || die "exec: no command"
        need_ready "$d"; mount_all "$d"
        bound=()
        trap 'unbind_dirs "$d" "${bound[@]}"' EXIT
        for b in "${binds[@]}"; do bind_dirs "$d" "$b"; bound+=("$b"); done
        in_chroot "$d" "$@" && rc=0 || rc=$?; exit "$rc";;
  *) sed -n '2,20p' "$0"; exit 2;;
esac

# Shared by bench/advise/get_projects.sh and bench/precision/get_projects.sh
# (source it): fetches Debian source packages with apt-get source.
# Third-party code stays in the work directory: never commit it.

# Runs a command as root: directly when root, else through sudo.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Makes sure APT has deb-src entries: adds a deb-src copy of
# /etc/apt/sources.list.d/debian.sources when there is none.
ensure_deb_src() {
  if grep -rqs '^\(Types: .*deb-src\|deb-src \)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      as_root tee /etc/apt/sources.list.d/debian-src.sources >/dev/null
    as_root apt-get update -qq
  else
    echo "no deb-src entries in the APT sources; add them (see sources.list(5))" \
         "and run apt-get update" >&2
    return 2
  fi
}

# Installs the packages that are not installed yet.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# fetch_source PACKAGE [VERSION]: in the current directory, the unpacked source
# directory of PACKAGE (fetched once; PACKAGE=VERSION when a version is given).
fetch_source() {
  local found spec=$1
  [ -n "${2:-}" ] && spec="$1=$2"
  found=$(find . -maxdepth 1 -type d -name "$1-[0-9]*" | sort | head -1)
  if [ -z "$found" ]; then
    apt-get source "$spec" >"$1-fetch.log" 2>&1 || { cat "$1-fetch.log" >&2; return 1; }
    found=$(find . -maxdepth 1 -type d -name "$1-[0-9]*" | sort | head -1)
  fi
  echo "${found#./}"
}

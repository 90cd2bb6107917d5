#!/bin/sh
# make check-deb: the package ($GONHA_DEB) in a clean Debian 12 (bookworm)
# made by mmdebstrap, installed as a ward office installs it
# (`apt install ./gonha_*.deb`, which fetches its dependencies), then
# gonha demo (no --db: the default data folder), gonha --help, the man
# pages and the bash completion there. Prints PASS/FAIL lines for
# tests/run.sh. Needs root and the Debian mirror.
deb=${GONHA_DEB:?GONHA_DEB=path/to/gonha_VERSION_ARCH.deb}
name=$(basename "$deb")
if [ "$(id -u)" != 0 ]; then echo "SKIP check_deb: mmdebstrap's root mode needs root"; exit 0; fi
if ! command -v mmdebstrap >/dev/null; then echo "SKIP check_deb: no mmdebstrap (make deps-deb)"; exit 0; fi
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
log=$work/log
# What runs inside the new system, as a person would type it.
cat > "$work/inside.sh" <<'INSIDE'
set -e
cd /tmp
echo "== apt install ./$1"
DEBIAN_FRONTEND=noninteractive apt install -y "./$1" 2>&1 | tail -n 3
echo "== gonha --version"; gonha --version
echo "== gonha demo"; env -u LANG HOME=/root gonha demo --tdps 2 --households 5
ls -ld /root/.local/share/gonha | cut -c1-10
echo "== gonha check"; HOME=/root GONHA_USER=admin GONHA_PASSWORD=demo gonha check
echo "== gonha --help"; gonha --help | head -n 4
echo "== gonha sheet --help"; gonha --lang en sheet --help | head -n 2
echo "== files"
ls /usr/share/gonha/forms/census/survey.csv /usr/share/locale/vi/LC_MESSAGES/gonha.mo \
   /usr/share/man/man1/gonha.1.gz /usr/share/man/vi/man1/gonha.1.gz \
   /usr/share/bash-completion/completions/gonha /usr/share/doc/gonha/windows-wsl.md.gz
echo "== completion"; bash -c '. /usr/share/bash-completion/completions/gonha; complete -p gonha'
echo "== inside: done"
INSIDE
start=$(date +%s)
if mmdebstrap --variant=apt --include=ca-certificates bookworm /dev/null \
	--customize-hook="copy-in $deb $work/inside.sh /tmp" \
	--customize-hook="chroot \"\$1\" sh /tmp/inside.sh $name" > "$log" 2>&1; then
	rc=0
else
	rc=1
fi
echo "check_deb: mmdebstrap and the checks took $(( $(date +%s) - start )) s" >&2
sed -n '/^== apt install/,$p' "$log"
check() { # name, text that must be in the log
	if grep -q -- "$2" "$log"; then echo "PASS $1"; else echo "FAIL $1"; echo "  no \"$2\" in the log"; fi
}
if [ $rc != 0 ]; then
	echo "FAIL check_deb_mmdebstrap"; tail -n 30 "$log" | sed 's/^/  /'
else
	echo "PASS check_deb_mmdebstrap"
fi
check check_deb_demo "Phường mẫu trong /root/.local/share/gonha/ward.db"
check check_deb_data_folder "^drwx------"
check check_deb_check "không có lỗi nào"
check check_deb_help "Cách dùng:"
check check_deb_sheet_help "gonha sheet walk"
check check_deb_completion "complete -F _gonha gonha"
check check_deb_done "== inside: done"

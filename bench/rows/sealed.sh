# Sealed copies (issue 14): a backup sealed under a passphrase against a
# plain backup of the same ward, both by gonha ("sqlite3 s" is the plain
# one's). Sealing reads the plain copy back once and writes it again in
# 64 KB chunks (XChaCha20-Poly1305), plus one Argon2id derivation (about
# 64 MB, a fixed cost whatever the size).
bp=$OUT/plain.$size.db
bs=$OUT/sealed.$size.gbk
rm -f "$bp" "$bp.manifest" "$bs" "$bs.manifest"
measure "$OUT/backup_plain.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" backup --db "$db" --out "$bp"
measure "$OUT/backup_sealed.$size" env GONHA_USER=admin GONHA_PASSWORD=demo GONHA_PASSPHRASE=bench-passphrase \
	"$GONHA" backup --db "$db" --out "$bs" --seal
row "backup sealed vs plain" "$persons" "$OUT/backup_sealed.$size" "$OUT/backup_plain.$size"
rm -f "$bp" "$bp.manifest" "$bs" "$bs.manifest"

# XLSX export (issue 11): every person as a workbook (libxlsxwriter in
# constant-memory mode) against the CSV export of the same ward, both by
# gonha; the "sqlite3 s" and "sqlite MB" columns of this row are the CSV
# export's. Peak memory of the XLSX export should stay under 64 MB whatever
# the size (rows are streamed to a temporary file in a private folder).
xx=$OUT/persons.$size.xlsx
xc=$OUT/persons.$size.csv
rm -f "$xx" "$xc"
measure "$OUT/xlsxcsv.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" export --db "$db" --what persons --out "$xc" --with-ids
measure "$OUT/xlsx.$size" env GONHA_USER=admin GONHA_PASSWORD=demo "$GONHA" export --db "$db" --what persons --out "$xx" --with-ids
row "export persons xlsx vs csv" "$persons" "$OUT/xlsx.$size" "$OUT/xlsxcsv.$size"
rm -f "$xx" "$xc"

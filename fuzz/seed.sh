#!/usr/bin/env sh
# Seed the fuzz corpora from the sample workbooks (corpus/ is git-ignored: never commit it).
# Usage: fuzz/seed.sh [CASES_DIR]   (optional: a directory of further cases, each with applicants.xlsx)
set -eu
cd "$(dirname "$0")"
cases=${1:-}
mkdir -p corpus/import corpus/import_parts
for book in "$cases"/*/applicants.xlsx ../tests/cases/*/applicants.xlsx ../tests/fixtures/*.* ../tests/fixtures/fuzz/*; do
    [ -f "$book" ] || continue
    name=$(echo "$book" | tr '/.' '__')
    cp "$book" "corpus/import/$name"
    # import_parts takes the worksheet and the shared strings, separated by a NUL byte.
    if unzip -l "$book" xl/worksheets/sheet1.xml >/dev/null 2>&1; then
        { unzip -p "$book" xl/worksheets/sheet1.xml; printf '\0'; unzip -p "$book" xl/sharedStrings.xml 2>/dev/null || true; } > "corpus/import_parts/$name"
    fi
done
ls corpus/import | wc -l

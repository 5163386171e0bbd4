#!/usr/bin/env bash
# Brings the interface translations up to date with the code (docs/translation.md).
#   bash scripts/update_translations.sh          # every resources/i18n/trainfer_*.ts
#   bash scripts/update_translations.sh pt_BR    # one language (creates its file)
# pyside6-lupdate reads every tr() text of gui/ (self.tr("…") in a QObject, X.tr("…")
# for a gui.translation.Context named X) and merges them into the .ts: new texts come in
# as unfinished, texts gone from the code are dropped, translations are kept. Then write
# the new translations (Qt Linguist: .venv/bin/pyside6-linguist FILE, or any editor) and
# run tests/gui/test_translation.py. The app reads the .ts itself (gui/translation.py);
# there is no .qm to build.
set -euo pipefail
cd "$(dirname "$0")/.."
LUPDATE=${LUPDATE:-$( [ -x .venv/bin/pyside6-lupdate ] && echo .venv/bin/pyside6-lupdate || echo pyside6-lupdate)}
if [ $# -gt 0 ]; then
  files=("${@/#/resources/i18n/trainfer_}"); files=("${files[@]/%/.ts}")
else
  files=(resources/i18n/trainfer_*.ts)
fi
mapfile -t sources < <(git ls-files --cached --others --exclude-standard 'gui/*.py' 'gui/**/*.py' | sort -u)
for ts in "${files[@]}"; do
  lang=$(basename "$ts" .ts); lang=${lang#trainfer_}
  "$LUPDATE" -locations none -no-obsolete -source-language en -target-language "$lang" \
    "${sources[@]}" -ts "$ts"
done

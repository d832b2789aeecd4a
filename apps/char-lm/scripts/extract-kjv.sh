#!/bin/sh
# Regenerates data/kjv-pentateuch.txt.gz from Debian's King James Version (packages bible-kjv-text, the
# compressed text, and bible-kjv, the `bible` reader): Genesis 1:1 to Deuteronomy 34:12, one verse per
# line, with the verse references stripped. Needs: apt-get install -y bible-kjv
set -eu
cd "$(dirname "$0")/.."
bible -f -l1000 gen1:1-deu34:12 | sed -E 's/^[0-9]?[A-Za-z]+[0-9]+:[0-9]+ //' | gzip -9n > data/kjv-pentateuch.txt.gz

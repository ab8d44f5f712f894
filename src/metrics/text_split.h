// Python's two ways of splitting a caption into words, which the caption metrics rely on:
// str.split() (any Unicode whitespace, empty pieces dropped; BLEU and CIDEr-D) and
// str.split(" ") (single ASCII spaces, empty pieces kept; ROUGE-L).
#pragma once

#include <string>
#include <vector>

namespace ofapt {

// Python `text.split()`: splits on Unicode whitespace (str.isspace) and drops empty pieces.
std::vector<std::string> split_whitespace(const std::string& text);

// Python `text.split(" ")`: splits on each ASCII space and keeps empty pieces ("" -> {""}).
std::vector<std::string> split_space(const std::string& text);

}  // namespace ofapt

#include "world/language.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

namespace ofapt::world {
namespace {

const std::vector<std::string> kNumberWords = {"zero", "one", "two", "three", "four",
                                               "five", "six", "seven", "eight", "nine"};
const std::vector<std::string> kTextures = {"plain", "striped", "checkered", "dotted"};
const std::vector<std::string> kRelations = {"left of", "right of", "above", "below"};
const std::vector<std::string> kUnknowable = {"heavy", "made of wood", "warm", "spinning",
                                              "brand new", "wet", "made of glass", "soft"};

std::string size_name(const SceneObject& object) { return object.large ? "large" : "small"; }
std::string plural(const std::string& noun) { return noun + "s"; }
std::string with_article(const std::string& phrase) {
  return (std::string("aeiou").find(phrase.front()) != std::string::npos ? "an " : "a ") + phrase;
}
std::string number_word(int n) { return kNumberWords.at(n); }

// Which attributes a description mentions. Without the shape it says "shape".
struct Description {
  bool size, color, shape;
};

bool matches(const SceneObject& object, const SceneObject& like, Description d) {
  return (!d.size || object.large == like.large) && (!d.color || object.color == like.color) &&
         (!d.shape || object.shape == like.shape);
}

std::string words(const SceneObject& object, Description d) {
  std::string out;
  if (d.size) out += size_name(object) + " ";
  if (d.color) out += color_name(object.color) + " ";
  return out + (d.shape ? shape_name(object.shape) : "shape");
}

int count_matching(const Scene& scene, const SceneObject& like, Description d) {
  return static_cast<int>(std::count_if(scene.objects.begin(), scene.objects.end(),
                                        [&](const SceneObject& o) { return matches(o, like, d); }));
}

// Descriptions that pick out object i alone, shortest first; `allowed` filters out attributes a
// question asks about ("what color is the red circle?" gives the answer away).
std::vector<Description> unique_descriptions(const Scene& scene, int i, Description allowed) {
  static const Description kOrder[] = {{false, false, true}, {false, true, true}, {true, false, true},
                                       {false, true, false}, {true, false, false}, {true, true, true},
                                       {true, true, false}};
  std::vector<Description> out;
  for (const Description& d : kOrder) {
    if ((d.size && !allowed.size) || (d.color && !allowed.color) || (d.shape && !allowed.shape)) continue;
    if (!d.size && !d.color && !d.shape) continue;
    if (count_matching(scene, scene.objects[i], d) == 1) out.push_back(d);
  }
  return out;
}

// "the ..." naming object i alone, or nothing. Mostly the shortest such description.
std::optional<std::string> name_of(const Scene& scene, int i, SplitMix64& rng,
                                   Description allowed = {true, true, true}) {
  const auto options = unique_descriptions(scene, i, allowed);
  if (options.empty()) return std::nullopt;
  const Description& d = rng.chance(70) ? options.front() : rng.pick(options);
  return "the " + words(scene.objects[i], d);
}

// A relation holds only with a clear margin, so no statement depends on a pixel or two.
bool holds(int relation, const SceneObject& a, const SceneObject& b, int size) {
  const int margin = size / 16;
  switch (relation) {
    case 0: return a.cx + margin <= b.cx;
    case 1: return a.cx >= b.cx + margin;
    case 2: return a.cy + margin <= b.cy;
    default: return a.cy >= b.cy + margin;
  }
}
int opposite(int relation) { return relation ^ 1; }

std::string list_phrase(const std::vector<std::string>& items) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out += k + 1 == items.size() ? " and " : ", ";
    out += items[k];
  }
  return out;
}

std::vector<int> order_by(const Scene& scene, bool left_to_right) {
  std::vector<int> order(scene.objects.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return left_to_right ? scene.objects[a].cx < scene.objects[b].cx : scene.objects[a].cy < scene.objects[b].cy;
  });
  return order;
}

std::string object_phrase(const SceneObject& object, bool with_size) {
  return with_article(words(object, {with_size, true, true}));
}

// VQA accuracy of an answer given by n of 10 annotators (the mean over the 10 leave-one-out
// subsets of min(1, matches/3)): 0.3, 0.6, 0.9, then 1.0 — the values in OFA's VQA TSVs.
double vqa_confidence(int n) { return n >= 4 ? 1.0 : 0.3 * n; }

const std::vector<std::string>& answer_space(const std::string& type) {
  static const std::vector<std::string> counts = {"0", "1", "2", "3", "4", "5", "6"};
  static const std::vector<std::string> yes_no = {"yes", "no"};
  static const std::vector<std::string> sizes = {"small", "large"};
  if (type == "count" || type == "negation") return counts;
  if (type == "color") return color_names();
  if (type == "shape") return shape_names();
  if (type == "size") return sizes;
  return yes_no;
}

VqaQuestion ask(const std::string& question, const std::string& type, const std::string& answer, SplitMix64& rng,
                const std::vector<std::string>& space) {
  VqaQuestion out{question, type, answer, {}};
  std::map<std::string, int> votes;
  for (int annotator = 0; annotator < 10; ++annotator) ++votes[rng.chance(90) ? answer : rng.pick(space)];
  for (const auto& [given, n] : votes) out.confidences[given] = vqa_confidence(n);
  return out;
}

using Asker = std::function<std::optional<VqaQuestion>(const Scene&, SplitMix64&)>;

std::optional<VqaQuestion> ask_count(const Scene& scene, SplitMix64& rng) {
  // A filter taken from an object in the picture, or (a third of the time) any colour and shape.
  const SceneObject like = rng.chance(66) ? rng.pick(scene.objects)
                                          : SceneObject{static_cast<Shape>(rng.below(kShapeCount)),
                                                        rng.below(kColorCount), false, 0, 0, 0};
  const Description d{false, rng.chance(50), rng.chance(60)};
  const std::string noun = d.shape ? plural(shape_name(like.shape)) : "shapes";
  const std::string question = "how many " + (d.color ? color_name(like.color) + " " : "") + noun + " are there?";
  return ask(question, "count", std::to_string(count_matching(scene, like, d)), rng, answer_space("count"));
}

std::optional<VqaQuestion> ask_attribute(const Scene& scene, SplitMix64& rng, const std::string& type) {
  const int i = rng.below(static_cast<int>(scene.objects.size()));
  const SceneObject& object = scene.objects[i];
  const Description allowed{type != "size", type != "color", type != "shape"};
  const auto name = name_of(scene, i, rng, allowed);
  if (!name) return std::nullopt;
  const std::string answer =
      type == "color" ? color_name(object.color) : type == "shape" ? shape_name(object.shape) : size_name(object);
  return ask("what " + type + " is " + *name + "?", type, answer, rng, answer_space(type));
}

std::optional<VqaQuestion> ask_exist(const Scene& scene, SplitMix64& rng) {
  SceneObject like = rng.pick(scene.objects);
  if (rng.chance(50)) {  // an absent combination, if the colour or shape can be changed to one
    like.color = rng.below(kColorCount);
    like.shape = static_cast<Shape>(rng.below(kShapeCount));
  }
  const bool present = count_matching(scene, like, {false, true, true}) > 0;
  return ask("is there " + object_phrase(like, false) + "?", "exist", present ? "yes" : "no", rng,
             answer_space("exist"));
}

std::optional<VqaQuestion> ask_relation(const Scene& scene, SplitMix64& rng) {
  const int n = static_cast<int>(scene.objects.size());
  const int a = rng.below(n), b = rng.below(n);
  if (a == b) return std::nullopt;
  const int relation = rng.below(4);
  const auto anchor = name_of(scene, b, rng);
  if (!anchor) return std::nullopt;
  if (rng.chance(50)) {
    // "what color is the shape left of the blue square?": exactly one shape must be there.
    std::vector<int> there;
    for (int k = 0; k < n; ++k) {
      if (k != b && holds(relation, scene.objects[k], scene.objects[b], scene.size)) there.push_back(k);
    }
    if (there.size() != 1) return std::nullopt;
    const bool color = rng.chance(50);
    const SceneObject& object = scene.objects[there[0]];
    const std::string question = std::string(color ? "what color is the shape " : "what shape is ") +
                                 kRelations[relation] + " " + *anchor + "?";
    return ask(question, "relation", color ? color_name(object.color) : shape_name(object.shape), rng,
               answer_space(color ? "color" : "shape"));
  }
  const auto subject = name_of(scene, a, rng);
  if (!subject) return std::nullopt;
  const bool yes = holds(relation, scene.objects[a], scene.objects[b], scene.size);
  if (!yes && !holds(opposite(relation), scene.objects[a], scene.objects[b], scene.size)) return std::nullopt;
  return ask("is " + *subject + " " + kRelations[relation] + " " + *anchor + "?", "relation", yes ? "yes" : "no", rng,
             answer_space("relation"));
}

std::optional<VqaQuestion> ask_compare(const Scene& scene, SplitMix64& rng) {
  const int n = static_cast<int>(scene.objects.size());
  if (rng.chance(50)) {
    const int a = rng.below(n), b = rng.below(n);
    const int difference = scene.objects[a].radius - scene.objects[b].radius;
    if (a == b || std::abs(difference) < scene.size / 20) return std::nullopt;
    const auto first = name_of(scene, a, rng), second = name_of(scene, b, rng);
    if (!first || !second) return std::nullopt;
    const bool larger = rng.chance(50);
    const bool yes = larger ? difference > 0 : difference < 0;
    return ask("is " + *first + (larger ? " larger than " : " smaller than ") + *second + "?", "compare",
               yes ? "yes" : "no", rng, answer_space("compare"));
  }
  // "are there more circles than red shapes?"
  auto group = [&](SceneObject& like, Description& d) {
    like = rng.pick(scene.objects);
    d = rng.chance(50) ? Description{false, false, true} : Description{false, true, false};
    return d.shape ? plural(shape_name(like.shape)) : color_name(like.color) + " shapes";
  };
  SceneObject x{}, y{};
  Description dx{}, dy{};
  const std::string gx = group(x, dx), gy = group(y, dy);
  const int cx = count_matching(scene, x, dx), cy = count_matching(scene, y, dy);
  if (gx == gy || cx == cy) return std::nullopt;
  return ask("are there more " + gx + " than " + gy + "?", "compare", cx > cy ? "yes" : "no", rng,
             answer_space("compare"));
}

std::optional<VqaQuestion> ask_negation(const Scene& scene, SplitMix64& rng) {
  const SceneObject& like = rng.pick(scene.objects);
  const bool by_color = rng.chance(50);
  const Description d = by_color ? Description{false, true, false} : Description{false, false, true};
  const int not_matching = static_cast<int>(scene.objects.size()) - count_matching(scene, like, d);
  const std::string what = by_color ? color_name(like.color) : plural(shape_name(like.shape));
  return ask("how many shapes are not " + what + "?", "negation", std::to_string(not_matching), rng,
             answer_space("negation"));
}

const std::map<std::string, Asker>& askers() {
  static const std::map<std::string, Asker> all = {
      {"count", ask_count},
      {"color", [](const Scene& s, SplitMix64& r) { return ask_attribute(s, r, "color"); }},
      {"shape", [](const Scene& s, SplitMix64& r) { return ask_attribute(s, r, "shape"); }},
      {"size", [](const Scene& s, SplitMix64& r) { return ask_attribute(s, r, "size"); }},
      {"exist", ask_exist},
      {"relation", ask_relation},
      {"compare", ask_compare},
      {"negation", ask_negation}};
  return all;
}

// A statement about the scene that is true (or false, when `truth` is false).
std::optional<std::string> statement(const Scene& scene, SplitMix64& rng, bool truth) {
  const int n = static_cast<int>(scene.objects.size());
  switch (rng.below(4)) {
    case 0: {  // count
      int count = n;
      // Scenes hold two shapes or more, so a false "there is one shape" would be false as text.
      if (!truth) count = std::clamp(n + (rng.chance(50) ? 1 : -1) * rng.between(1, 2), 2, 9);
      if (count == n && !truth) return std::nullopt;
      return count == 1 ? std::string("there is one shape") : "there are " + number_word(count) + " shapes";
    }
    case 1: {  // existence
      SceneObject like = rng.pick(scene.objects);
      if (!truth) {
        like.color = rng.below(kColorCount);
        like.shape = static_cast<Shape>(rng.below(kShapeCount));
        if (count_matching(scene, like, {false, true, true}) > 0) return std::nullopt;
      }
      return "there is " + object_phrase(like, false) + " in the picture";
    }
    case 2: {  // colour of a named object
      const int i = rng.below(n);
      const auto name = name_of(scene, i, rng, {true, false, true});
      if (!name) return std::nullopt;
      int color = scene.objects[i].color;
      if (!truth) color = (color + rng.between(1, kColorCount - 1)) % kColorCount;
      return *name + " is " + color_name(color);
    }
    default: {  // relation
      const int a = rng.below(n), b = rng.below(n);
      int relation = rng.below(4);
      if (a == b || !holds(relation, scene.objects[a], scene.objects[b], scene.size)) return std::nullopt;
      const auto first = name_of(scene, a, rng), second = name_of(scene, b, rng);
      if (!first || !second) return std::nullopt;
      if (!truth) relation = opposite(relation);
      return *first + " is " + kRelations[relation] + " " + *second;
    }
  }
}

// "two circles, one square and one triangle": how many of each kind, in the kinds' fixed order.
std::string counts_phrase(const std::vector<int>& counts, const std::vector<std::string>& nouns,
                          const std::string& suffix) {
  std::vector<std::string> parts;
  for (size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] == 0) continue;
    const std::string noun = nouns[k] + suffix;
    parts.push_back(number_word(counts[k]) + " " + (counts[k] == 1 ? noun : plural(noun)));
  }
  return list_phrase(parts);
}

// "the small red circle": the attributes that pick out the target alone.
std::optional<ReferringExpression> attribute_expression(const Scene& scene, int target, SplitMix64& rng) {
  const auto name = name_of(scene, target, rng);
  if (!name) return std::nullopt;
  return ReferringExpression{*name, target, ExpressionKind::kAttribute};
}

// "the leftmost shape", "the lowest circle": the target beats every other shape (of its kind) by a
// clear margin in that direction.
std::optional<ReferringExpression> superlative_expression(const Scene& scene, int target, SplitMix64& rng) {
  static const std::vector<std::string> extremes = {"leftmost", "rightmost", "topmost", "lowest"};
  const int which = rng.below(4);
  const Description d = rng.chance(50) ? Description{false, false, true} : Description{false, false, false};
  for (int k = 0; k < static_cast<int>(scene.objects.size()); ++k) {
    if (k == target || (d.shape && !matches(scene.objects[k], scene.objects[target], d))) continue;
    if (!holds(which, scene.objects[target], scene.objects[k], scene.size)) return std::nullopt;
  }
  return ReferringExpression{"the " + extremes[which] + " " + words(scene.objects[target], d), target,
                             ExpressionKind::kSuperlative};
}

// "the circle left of the blue square": the only such shape in that relation to the anchor.
std::optional<ReferringExpression> relational_expression(const Scene& scene, int target, SplitMix64& rng) {
  const int n = static_cast<int>(scene.objects.size());
  const int anchor = rng.below(n), relation = rng.below(4);
  const auto anchor_name = name_of(scene, anchor, rng);
  const Description d = rng.chance(60) ? Description{false, false, true} : Description{false, false, false};
  int there = 0;
  for (int k = 0; k < n; ++k) {
    there += k != anchor && matches(scene.objects[k], scene.objects[target], d) &&
             holds(relation, scene.objects[k], scene.objects[anchor], scene.size);
  }
  if (anchor == target || !anchor_name || there != 1 ||
      !holds(relation, scene.objects[target], scene.objects[anchor], scene.size)) {
    return std::nullopt;
  }
  return ReferringExpression{"the " + words(scene.objects[target], d) + " " + kRelations[relation] + " " + *anchor_name,
                             target, ExpressionKind::kRelation};
}

// An expression of the given kind for the target, or nothing when the scene does not allow one.
std::optional<ReferringExpression> expression_of_kind(ExpressionKind kind, const Scene& scene, int target,
                                                      SplitMix64& rng) {
  switch (kind) {
    case ExpressionKind::kAttribute: return attribute_expression(scene, target, rng);
    case ExpressionKind::kSuperlative: return superlative_expression(scene, target, rng);
    default: return relational_expression(scene, target, rng);
  }
}

}  // namespace

std::vector<std::string> captions(const Scene& scene, SplitMix64& rng) {
  const int n = static_cast<int>(scene.objects.size());
  const std::string texture = kTextures[scene.texture];
  std::vector<std::string> left_to_right, top_to_bottom, plain;
  for (int i : order_by(scene, true)) left_to_right.push_back(object_phrase(scene.objects[i], rng.chance(60)));
  for (int i : order_by(scene, false)) top_to_bottom.push_back(object_phrase(scene.objects[i], rng.chance(40)));
  for (int i : order_by(scene, true)) plain.push_back(object_phrase(scene.objects[i], false));
  std::vector<std::string> out;
  out.push_back(number_word(n) + " shapes: " + list_phrase(left_to_right));
  out.push_back(list_phrase(plain) + " on " + with_article(texture) + " background");
  // A pair in a clear relation, and how many more there are.
  std::string pair = list_phrase(top_to_bottom) + " in a picture";
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int a = rng.below(n), b = rng.below(n), relation = rng.below(4);
    if (a == b || !holds(relation, scene.objects[a], scene.objects[b], scene.size)) continue;
    pair = object_phrase(scene.objects[a], false) + " " + kRelations[relation] + " " +
           object_phrase(scene.objects[b], false);
    if (n > 2) pair += " and " + number_word(n - 2) + (n == 3 ? " other shape" : " other shapes");
    break;
  }
  out.push_back(pair);
  const auto largest = std::max_element(scene.objects.begin(), scene.objects.end(),
                                        [](const SceneObject& a, const SceneObject& b) { return a.radius < b.radius; });
  out.push_back("a picture of " + number_word(n) + " shapes, the biggest is " +
                object_phrase(*largest, false));
  out.push_back("there are " + number_word(n) + " shapes in the picture: " + list_phrase(top_to_bottom));
  return out;
}

std::vector<std::string> downstream_captions(const Scene& scene) {
  std::vector<int> by_shape(kShapeCount, 0), by_color(kColorCount, 0);
  for (const auto& object : scene.objects) {
    ++by_shape[static_cast<int>(object.shape)];
    ++by_color[object.color];
  }
  const auto& objects = scene.objects;
  auto extreme = [&](auto less) { return *std::min_element(objects.begin(), objects.end(), less); };
  const SceneObject smallest = extreme([](const SceneObject& a, const SceneObject& b) { return a.radius < b.radius; });
  const SceneObject leftmost = extreme([](const SceneObject& a, const SceneObject& b) { return a.cx < b.cx; });
  const SceneObject rightmost = extreme([](const SceneObject& a, const SceneObject& b) { return a.cx > b.cx; });
  const SceneObject topmost = extreme([](const SceneObject& a, const SceneObject& b) { return a.cy < b.cy; });
  const SceneObject lowest = extreme([](const SceneObject& a, const SceneObject& b) { return a.cy > b.cy; });
  return {"a picture with " + counts_phrase(by_shape, shape_names(), ""),
          counts_phrase(by_color, color_names(), " shape"),
          "the smallest shape is " + object_phrase(smallest, true),
          object_phrase(leftmost, false) + " on the left and " + object_phrase(rightmost, false) + " on the right",
          object_phrase(topmost, false) + " at the top and " + object_phrase(lowest, false) + " at the bottom"};
}

std::vector<ReferringExpression> referring_expressions(const Scene& scene, SplitMix64& rng, int count,
                                                       bool allow_relational) {
  const int n = static_cast<int>(scene.objects.size());
  std::vector<ReferringExpression> out;
  std::set<std::string> said;
  for (int attempt = 0; attempt < 12 * count && static_cast<int>(out.size()) < count; ++attempt) {
    const int target = rng.below(n);
    ExpressionKind kind = ExpressionKind::kAttribute;
    if (allow_relational && rng.chance(50)) {
      kind = rng.chance(30) ? ExpressionKind::kSuperlative : ExpressionKind::kRelation;
    }
    const auto expression = expression_of_kind(kind, scene, target, rng);
    if (expression && said.insert(expression->text).second) out.push_back(*expression);
  }
  return out;
}

std::vector<ReferringExpression> held_out_referring_expressions(const Scene& scene, SplitMix64& rng, int count) {
  const int n = static_cast<int>(scene.objects.size());
  std::vector<ReferringExpression> out;
  std::set<std::string> said;
  for (int expression_index = 0; expression_index < count; ++expression_index) {
    // The kind first, then targets until one can be named that way: a scene rarely allows every
    // kind for every shape, and drawing the target first would let the easy kind win.
    const int roll = rng.below(4);
    const ExpressionKind kind = roll == 0   ? ExpressionKind::kAttribute
                                : roll == 1 ? ExpressionKind::kSuperlative
                                            : ExpressionKind::kRelation;
    for (int attempt = 0; attempt < 24; ++attempt) {
      const int target = rng.below(n);
      const auto expression = expression_of_kind(kind, scene, target, rng);
      if (expression && said.insert(expression->text).second) {
        out.push_back(*expression);
        break;
      }
    }
  }
  return out;
}

const std::vector<std::string>& pretraining_question_types() {
  static const std::vector<std::string> types = {"count", "color", "shape", "size", "exist"};
  return types;
}
const std::vector<std::string>& held_out_question_types() {
  static const std::vector<std::string> types = {"relation", "compare", "negation"};
  return types;
}

std::vector<VqaQuestion> vqa_questions(const Scene& scene, SplitMix64& rng, int count,
                                       const std::vector<std::string>& types) {
  std::vector<VqaQuestion> out;
  std::set<std::string> asked;
  for (int attempt = 0; attempt < 12 * count && static_cast<int>(out.size()) < count; ++attempt) {
    if (auto question = askers().at(rng.pick(types))(scene, rng); question && asked.insert(question->question).second) {
      out.push_back(std::move(*question));
    }
  }
  return out;
}

std::vector<std::string> candidate_answers() {
  std::vector<std::string> answers = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "yes", "no", "small", "large"};
  for (const auto& color : color_names()) answers.push_back(color);
  for (const auto& shape : shape_names()) answers.push_back(shape);
  return answers;
}

std::vector<EntailmentPair> entailment_pairs(const Scene& scene, SplitMix64& rng) {
  // The premise names only the background: a caption that lists the shapes would settle most
  // hypotheses as text, and the image would not matter.
  const std::string premise = "shapes on " + with_article(kTextures[scene.texture]) + " background";
  // "... and the red circle is heavy": a clause nothing in a picture settles.
  auto and_unknowable = [&](const std::string& clause) -> std::optional<std::string> {
    const auto name = name_of(scene, rng.below(static_cast<int>(scene.objects.size())), rng);
    if (!name) return std::nullopt;
    return clause + " and " + *name + " is " + rng.pick(kUnknowable);
  };
  std::vector<EntailmentPair> out;
  for (const std::string label : {"entailment", "contradiction", "neutral"}) {
    // Neutral is a true statement joined to an unknowable clause, and half of the contradictions
    // are a false one joined the same way, so that the clause alone does not give the label away:
    // every label needs the picture.
    const bool compound = label == "neutral" || (label == "contradiction" && rng.chance(50));
    std::optional<std::string> hypothesis;
    for (int attempt = 0; attempt < 40 && !hypothesis; ++attempt) {
      hypothesis = statement(scene, rng, label != "contradiction");
      if (hypothesis && compound) hypothesis = and_unknowable(*hypothesis);
    }
    if (hypothesis) out.push_back({premise, *hypothesis, label});
  }
  rng.shuffle(out);
  return out;
}

}  // namespace ofapt::world

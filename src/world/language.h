// What the synthetic world says about a scene: captions, referring expressions, VQA questions with
// annotator answers, and entailment hypotheses. Every statement is computed from the scene, so it is
// true (or, for contradictions, false) by construction. Question and expression forms are tagged so
// that pretraining can hold some of them out (docs/world.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/random.h"
#include "world/scene.h"

namespace ofapt::world {

// Five different reference captions of the scene, in the styles pretraining sees.
std::vector<std::string> captions(const Scene& scene, SplitMix64& rng);
// Five reference captions in the downstream split's own styles, which pretraining never sees:
// counts by shape, counts by colour, the smallest shape, the leftmost and rightmost, the topmost
// and lowest. Deterministic, so drawing them takes nothing from the scene's text stream.
std::vector<std::string> downstream_captions(const Scene& scene);

// Pretraining sees attribute expressions only; relations and superlatives are held out.
enum class ExpressionKind { kAttribute, kRelation, kSuperlative };

struct ReferringExpression {
  std::string text;     // "the small red circle", "the square left of the blue diamond"
  int target;           // index into scene.objects
  ExpressionKind kind;
};
// Up to `count` expressions, each naming exactly one object; relations and superlatives (a quarter
// of the expressions) only when allowed. The pretraining split's expressions (world versions 1-3)
// and the downstream split's of versions 1-2.
std::vector<ReferringExpression> referring_expressions(const Scene& scene, SplitMix64& rng, int count,
                                                       bool allow_relational);
// Up to `count` expressions for the downstream split (world version 3): each is a relation (half)
// or a superlative (a quarter) — the kinds pretraining never sees — or an attribute expression (a
// quarter), so that downstream grounding measures transfer rather than what the model already does.
std::vector<ReferringExpression> held_out_referring_expressions(const Scene& scene, SplitMix64& rng, int count);

struct VqaQuestion {
  std::string question;
  std::string type;                          // count color shape size exist | relation compare negation
  std::string answer;                        // the true answer
  std::map<std::string, double> confidences; // what 10 simulated annotators said, VQA-scored (0.3 .. 1.0)
};
// The question types pretraining sees, and those it never sees.
const std::vector<std::string>& pretraining_question_types();
const std::vector<std::string>& held_out_question_types();
// Up to `count` questions of the given types (each type tried in random order).
std::vector<VqaQuestion> vqa_questions(const Scene& scene, SplitMix64& rng, int count,
                                       const std::vector<std::string>& types);
// The fixed candidate answer list (digits, yes/no, colours, shapes, sizes).
std::vector<std::string> candidate_answers();

struct EntailmentPair {
  std::string premise;     // a caption that names only the background
  std::string hypothesis;
  std::string label;       // entailment | contradiction | neutral
};
// One pair per label, in random order.
std::vector<EntailmentPair> entailment_pairs(const Scene& scene, SplitMix64& rng);

}  // namespace ofapt::world

// METEOR and SPICE as pycocoevalcap computes them: by running their official Java jars on the
// PTB-tokenized captions. ofapt never approximates them; without the jars they are "not computed".
//   METEOR 1.5   java -jar -Xmx2G meteor-1.5.jar - - -stdio -l en -norm
//                one "SCORE ||| ref1 ||| ref2 ... ||| hypothesis" line per image gives its statistics,
//                then one "EVAL ||| stats1 ||| stats2 ..." line gives a score per image and the corpus score.
//   SPICE 1.0    java -jar -Xmx8G spice-1.0.jar in.json [-cache DIR] -out out.json -subset -silent
//                in.json: [{"image_id", "test", "refs"}]; the score is the mean of every image's All.f.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct JavaMetricOptions {
  std::string java = "java";  // the java program (Debian: openjdk-17-jre-headless)
  std::string meteor_jar;     // meteor-1.5.jar, its data/ beside it; empty = METEOR not computed
  std::string spice_jar;      // spice-1.0.jar, its lib/ (Stanford CoreNLP) beside it; empty = SPICE not computed
  std::string spice_cache;    // SPICE's parse cache directory (empty = none)
};

struct JavaMetricResult {
  double corpus = 0.0;
  std::vector<double> per_image;
};

// candidates[i] and references[i] are image i's PTB-tokenized captions. Throws Error(kUsage) when the
// jar is missing, Error(kIo) naming the command and its last error lines when the run fails or its
// output is not what the protocol promises.
JavaMetricResult meteor_score(const std::vector<std::string>& candidates,
                              const std::vector<std::vector<std::string>>& references, const JavaMetricOptions& options);
JavaMetricResult spice_score(const std::vector<std::string>& candidates,
                             const std::vector<std::vector<std::string>>& references, const JavaMetricOptions& options);

}  // namespace ofapt

#include "train/trainer.h"

#include <sys/stat.h>

#include <cmath>
#include <limits>

#include "checkpoint/apply_state.h"
#include "data/batch_loader.h"
#include "train/gradient_clipping.h"
#include "train/image_feature_cache.h"
#include "train/label_smoothed_loss.h"
#include "train/lr_schedule.h"
#include "train/training_state.h"
#include "tuning/make_method.h"
#include "tuning/model_fingerprint.h"
#include "tuning/tuned_task_file.h"
#include "util/device.h"
#include "util/error.h"
#include "util/file.h"
#include "util/jsonl_log.h"
#include "util/progress.h"
#include "util/random.h"
#include "util/torch_compat.h"

namespace ofapt {
namespace {

constexpr char kCheckpointFile[] = "checkpoint_last.safetensors";

std::string format_number(double value, const char* format) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

// The micro-batches of one epoch, in the epoch's deterministic order.
class EpochBatches {
 public:
  EpochBatches(const Dataset& data, int64_t batch_size, uint64_t seed) : data_(data), batch_size_(batch_size), seed_(seed) {}

  int64_t per_epoch() const { return (data_.size() + batch_size_ - 1) / batch_size_; }

  std::vector<int64_t> indices(int64_t epoch, int64_t batch) {
    if (epoch != cached_epoch_) {
      order_ = epoch_order(data_.size(), seed_, epoch);
      cached_epoch_ = epoch;
    }
    const int64_t begin = batch * batch_size_;
    const int64_t end = std::min<int64_t>(begin + batch_size_, data_.size());
    return std::vector<int64_t>(order_.begin() + begin, order_.begin() + end);
  }

 private:
  const Dataset& data_;
  int64_t batch_size_;
  uint64_t seed_;
  int64_t cached_epoch_ = -1;
  std::vector<int64_t> order_;
};

// In a data-parallel run every rank above 0 draws its own dropout masks. Its generator restarts from
// (seed, rank, step) at the start and at every checkpoint, so a resumed run goes on exactly as an
// uninterrupted one although only rank 0's generator is saved. Rank 0 keeps the one-process stream.
void reseed_worker_generator(uint64_t seed, int rank, int64_t step) {
  if (rank == 0) return;
  SplitMix64 mix(seed ^ (static_cast<uint64_t>(rank) << 40) ^ static_cast<uint64_t>(step));
  torch::manual_seed(mix.next() >> 1);
}

}  // namespace

TrainSummary train_method(TuningMethod& method, const Dataset& train, const Dataset* valid, Validator* validator,
                          const TrainerOptions& options, const nlohmann::json& run_info) {
  OFAPT_CHECK(!options.output_dir.empty(), ErrorKind::kUsage, "training needs an output directory");
  OFAPT_CHECK(options.batch_size > 0 && options.update_freq > 0, ErrorKind::kUsage,
              "batch size and update frequency must be positive");
  OFAPT_CHECK(train.size() > 0, ErrorKind::kInput, train.name(), ": no training examples");
  OFAPT_CHECK(options.early_stop_patience == 0 || (options.valid_every > 0 && valid != nullptr), ErrorKind::kUsage,
              "early stopping needs validation data and a validation interval (valid_every)");
  OFAPT_CHECK(options.early_stop_patience >= 0, ErrorKind::kUsage, "early-stop patience must be >= 0");
  DataParallelGroup one_process;
  DataParallelGroup& group = options.data_parallel ? *options.data_parallel : one_process;
  if (group.is_main()) make_directories(options.output_dir);
  const torch::Device device = parse_device(options.device, "training device");
  OfaModel& model = method.model();
  const OfaConfig& config = model->config();

  // The base model's identity, taken before any tensor changes (BitFit and finetuning train in place).
  const ModelFingerprint base = fingerprint_model(model);

  const int rank = group.rank();
  const int64_t world_size = group.world_size();
  const bool quiet = options.quiet || !group.is_main();

  // An update takes update_freq micro-batches on every process: update_freq x world_size in all.
  EpochBatches batches(train, options.batch_size, options.seed);
  const int64_t micro_per_update = options.update_freq * world_size;
  const int64_t updates_per_epoch = std::max<int64_t>(1, batches.per_epoch() / micro_per_update);
  const int64_t total_updates = options.max_steps > 0 ? options.max_steps : options.max_epochs * updates_per_epoch;
  PolynomialDecaySchedule schedule;
  schedule.peak = options.learning_rate > 0 ? options.learning_rate : default_learning_rate(method.method());
  schedule.end = options.end_learning_rate;
  schedule.total = total_updates;
  schedule.warmup = options.warmup_steps >= 0 ? options.warmup_steps
                                              : static_cast<int64_t>(options.warmup_ratio * total_updates);

  TensorMap trained_map = method.trainable_tensors();
  std::vector<torch::Tensor> trained;
  for (auto& [name, tensor] : trained_map) trained.push_back(tensor);
  torch::optim::AdamW optimizer(trained, torch::optim::AdamWOptions(schedule.peak)
                                             .betas({options.adam_beta1, options.adam_beta2})
                                             .eps(options.adam_eps)
                                             .weight_decay(options.weight_decay));

  // What a checkpoint must agree on to be continued.
  nlohmann::json identity = {{"spec", method.spec()},          {"seed", options.seed},
                                   {"batch_size", options.batch_size}, {"update_freq", options.update_freq},
                                   {"train_examples", train.size()},   {"total_updates", total_updates},
                                   {"base_model", base.to_json()}};
  if (group.distributed()) identity["world_size"] = world_size;
  auto log_file = group.is_main() ? std::make_unique<JsonlLog>(join_path(options.output_dir, "train_log.jsonl"))
                                  : std::make_unique<JsonlLog>();
  JsonlLog& log = *log_file;
  TrainerPosition position;
  TrainSummary summary;
  const std::string checkpoint_path = join_path(options.output_dir, kCheckpointFile);
  // Rank 0 reads the checkpoint; the other ranks receive its state from rank 0, so they need no
  // access to the output directory (another machine's disk).
  bool resumed = false;
  std::string optimizer_bytes;
  nlohmann::json start = {{"resumed", false}};
  if (group.is_main()) {
    try {
      if (file_exists(checkpoint_path)) {
        TrainingCheckpoint checkpoint = read_training_checkpoint(checkpoint_path);
        OFAPT_CHECK(checkpoint.identity == identity, ErrorKind::kUsage, checkpoint_path,
                    ": holds a run with other settings (", checkpoint.identity.dump(), "; this run: ",
                    identity.dump(), "). Use another output directory, or delete the checkpoint to start over.");
        apply_tensors(trained_map, checkpoint.trained, checkpoint_path);
        load_optimizer(optimizer, checkpoint.optimizer_bytes, checkpoint_path);
        restore_rng(checkpoint);
        position = checkpoint.position;
        optimizer_bytes = std::move(checkpoint.optimizer_bytes);
        resumed = true;
        start = {{"resumed", true}, {"position", position.to_json()}};
      }
    } catch (const Error& e) {
      // The other ranks stop with rank 0's reason instead of waiting for it.
      if (group.distributed()) group.broadcast_bytes(nlohmann::json{{"error", e.what()}}.dump());
      throw;
    }
  }
  if (group.distributed()) {
    start = nlohmann::json::parse(group.broadcast_bytes(start.dump()));
    OFAPT_CHECK(!start.contains("error"), ErrorKind::kUsage, "rank 0 could not start: ",
                start.value("error", std::string()));
    resumed = start["resumed"].get<bool>();
    optimizer_bytes = group.broadcast_bytes(optimizer_bytes);
    if (!group.is_main() && resumed) {
      position = TrainerPosition::from_json(start["position"]);
      load_optimizer(optimizer, optimizer_bytes, "rank 0's optimizer state");
    }
  }
  if (resumed) {
    summary.resumed_from = position.step;
  } else {
    torch::manual_seed(options.seed);
    if (method.initializes_from_data()) {
      // The first batch of the run's data order (prompt init=activations).
      std::vector<Example> examples;
      const auto indices = batches.indices(0, 0);
      for (const int64_t index : indices) examples.push_back(train.get(index));
      const Batch first =
          collate(examples, indices, {config.pad_token_id, config.bos_token_id, config.vocab_size, 0}).to(device);
      method.initialize_from_data(first.input, first.prev_output);
    }
  }
  group.broadcast(trained);  // every process starts from rank 0's tensors
  reseed_worker_generator(options.seed, rank, position.step);

  log.write({{"event", "start"},
             {"spec", method.spec()},
             {"trainable_parameters", method.trainable_parameter_count()},
             {"total_parameters", method.total_parameter_count()},
             {"total_updates", total_updates},
             {"warmup_updates", schedule.warmup},
             {"peak_lr", schedule.peak},
             {"resumed_from", position.step},
             {"train_examples", train.size()},
             {"valid_examples", valid != nullptr ? valid->size() : 0},
             {"run", run_info}});

  auto save_checkpoint = [&] {
    reseed_worker_generator(options.seed, rank, position.step);
    if (!group.is_main()) return;
    TrainingCheckpoint checkpoint;
    checkpoint.position = position;
    checkpoint.identity = identity;
    checkpoint.trained = trained_map;
    checkpoint.optimizer_bytes = save_optimizer(optimizer);
    capture_rng(checkpoint);
    write_training_checkpoint(checkpoint_path, checkpoint);
    log.write({{"event", "checkpoint"}, {"step", position.step}, {"path", checkpoint_path}});
  };
  auto tuned_info = [&](const std::string& kind) {
    nlohmann::json info = {{"saved", kind}, {"step", position.step}};
    if (run_info.is_object()) info.update(run_info);
    return info;
  };
  // Rank 0 validates alone; the others wait for it in the next update's first collective.
  auto run_validation = [&] {
    if (valid == nullptr || validator == nullptr || !group.is_main()) return;
    method.set_training(false);
    const auto started = std::chrono::steady_clock::now();
    const ValidationResult result = validator->validate(method, *valid, device);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool best = position.best_step < 0 || result.better_than(position.best_metric);
    log.write({{"event", "valid"},
               {"step", position.step},
               {"metric", result.metric},
               {"value", result.value},
               {"best", best},
               {"details", result.details},
               {"seconds", seconds}});
    if (!quiet) {
      std::fprintf(stderr, "\nvalid step %lld  %s %.4f%s\n", static_cast<long long>(position.step),
                   result.metric.c_str(), result.value, best ? "  (best)" : "");
    }
    if (best) {
      position.best_metric = result.value;
      position.best_step = position.step;
      nlohmann::json info = tuned_info("best");
      info["valid"] = {{"metric", result.metric}, {"value", result.value}};
      save_tuned_task(method, base, join_path(options.output_dir, "best"), info);
    }
    method.set_training(true);
  };

  ImageFeatureCache cache(options.feature_cache && !method.trains_image_backbone()
                              ? options.feature_cache_mb * 1024 * 1024
                              : 0);
  LabelSmoothingOptions smoothing;
  smoothing.epsilon = options.label_smoothing;
  smoothing.pad = config.pad_token_id;
  const CollateOptions collate_options{config.pad_token_id, config.bos_token_id, config.vocab_size, 0};
  const bool autocast = device.is_cuda() && options.bf16;

  // The loader prepares this process's micro-batches ahead of the model, walking its own copy of the
  // data position: of every update's micro-batches, process r takes those at r, r + N, r + 2N, ...
  BatchLoaderOptions loader_options;
  loader_options.collate = collate_options;
  loader_options.skip_bad_rows = options.skip_bad_rows;
  loader_options.decode_threads = options.loader_threads;
  loader_options.pin_memory = device.is_cuda();
  BatchLoader loader(train, loader_options);
  int64_t ahead_epoch = position.epoch, ahead_batch = position.batch_in_epoch;
  int64_t ahead_micro = position.step * micro_per_update;  // micro-batches of the run walked so far
  const int64_t run_micro = total_updates * micro_per_update;
  auto top_up_loader = [&] {
    while (loader.pending() < std::max<int64_t>(1, options.prefetch_batches) && ahead_micro < run_micro) {
      if (ahead_batch >= batches.per_epoch()) {
        ++ahead_epoch;
        ahead_batch = 0;
      }
      const std::vector<int64_t> indices = batches.indices(ahead_epoch, ahead_batch++);
      if (ahead_micro++ % world_size == rank) loader.schedule(indices);
    }
  };

  // After a validation: have `early_stop_patience` validations in a row brought no new best? Rank 0
  // alone validated, so it decides for every process.
  auto early_stop_now = [&] {
    if (options.early_stop_patience == 0) return false;
    bool stop = position.best_step >= 0 &&
                position.step - position.best_step >= options.early_stop_patience * options.valid_every;
    if (group.distributed()) {
      auto flag = torch::tensor({stop ? int64_t{1} : int64_t{0}}, torch::kInt64);
      group.broadcast({flag});
      stop = flag.item<int64_t>() != 0;
    }
    return stop;
  };

  // The rate of an update: the schedule's or, in a range test, exponential from the peak to lr_range_end.
  auto rate_at = [&](int64_t step) {
    if (options.lr_range_end <= 0) return schedule.at(step);
    const double progress = static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, total_updates - 1));
    return schedule.peak * std::pow(options.lr_range_end / schedule.peak, progress);
  };

  Progress progress("step", total_updates, position.step);
  method.set_training(true);
  double window_loss = 0.0, window_nll = 0.0;
  int64_t window_tokens = 0, window_samples = 0, window_updates = 0;
  bool first_window = true;
  const auto run_started = std::chrono::steady_clock::now();
  auto window_started = run_started;

  bool validated_last_step = position.stopped_early;  // a run that stopped early ended on a validation
  while (position.step < total_updates && !position.stopped_early) {
    // One update: micro_per_update micro-batches, their loss normalised by the tokens of all of them.
    std::vector<Batch> micro;
    int64_t update_tokens = 0;
    for (int64_t m = 0; m < micro_per_update; ++m) {
      if (position.batch_in_epoch >= batches.per_epoch()) {
        ++position.epoch;
        position.batch_in_epoch = 0;
      }
      ++position.batch_in_epoch;
      if (m % world_size != rank) continue;  // another process's
      top_up_loader();
      Batch batch = loader.next();
      if (batch.size() == 0) continue;  // every row of it was malformed and skipped
      update_tokens += batch.ntokens;
      micro.push_back(std::move(batch));
    }
    if (group.distributed()) {
      auto tokens = torch::tensor({update_tokens}, torch::kInt64);
      group.sum({tokens});
      update_tokens = tokens.item<int64_t>();
    }
    const double lr = rate_at(position.step) * position.lr_scale;
    tc::set_learning_rate(optimizer, lr);
    optimizer.zero_grad();
    // The loss sums stay on the device until the one read of the update, after clipping.
    torch::Tensor loss_sum = torch::zeros({}, torch::TensorOptions(torch::kFloat64).device(device));
    torch::Tensor nll_sum = torch::zeros_like(loss_sum);
    int64_t update_samples = 0;
    for (const Batch& host_batch : micro) {
      Batch batch = host_batch.to(device);
      if (batch.input.images.defined() && !method.trains_image_backbone()) {
        // The frozen ResNet runs without autograd, from the cache when it can.
        batch.input.image_features = cache.features(model->encoder()->embed_images(), batch);
        batch.input.images = torch::Tensor();
      }
      LossSums sums;
      {
        tc::AutocastGuard guard(c10::DeviceType::CUDA, torch::kBFloat16, autocast);
        auto logits = model->forward(batch.input, batch.prev_output, method.prompt(batch.size()));
        sums = label_smoothed_cross_entropy(logits, batch.target, batch.weights, batch.allowed_mask, smoothing);
      }
      (sums.loss / static_cast<double>(std::max<int64_t>(1, update_tokens))).backward();
      if (options.after_backward) options.after_backward(position.step, trained);
      loss_sum += sums.loss.detach().to(torch::kFloat64);
      nll_sum += sums.nll.detach().to(torch::kFloat64);
      update_samples += batch.size();
    }
    if (group.distributed()) {
      // Only the tuned tensors' gradients travel (one buffer), with the loss sums and which tensors
      // got a gradient anywhere; then every process clips and steps alike.
      std::vector<torch::Tensor> counts = {loss_sum.cpu(), nll_sum.cpu(), torch::tensor(static_cast<double>(update_samples), torch::kFloat64)};
      std::vector<torch::Tensor> gradients;
      for (auto& tensor : trained) {
        counts.push_back(torch::tensor(tensor.grad().defined() ? 1.0 : 0.0, torch::kFloat64));
        if (!tensor.grad().defined()) tensor.mutable_grad() = torch::zeros_like(tensor);
        gradients.push_back(tensor.grad());
      }
      auto count_tensor = torch::stack(counts);
      gradients.push_back(count_tensor);
      group.sum(gradients);
      const auto summed = count_tensor.accessor<double, 1>();
      loss_sum.fill_(summed[0]);
      nll_sum.fill_(summed[1]);
      update_samples = static_cast<int64_t>(summed[2]);
      for (size_t i = 0; i < trained.size(); ++i) {
        if (summed[3 + i] == 0.0) trained[i].mutable_grad().reset();  // as in one process: no gradient at all
      }
    }

    // Where the gradient goes, before clipping scales it (logged with the update's train record).
    const bool log_step = (position.step + 1) % options.log_every == 0 || position.step + 1 == total_updates;
    const nlohmann::json part_norms = log_step ? method.gradient_norms() : nlohmann::json();
    // The one host synchronisation of the update: loss sums and the gradient norm (non-finite when
    // any gradient is), read together after clipping.
    const double max_norm = options.clip_norm > 0 ? options.clip_norm : std::numeric_limits<double>::infinity();
    const torch::Tensor norm = clip_gradients(trained, max_norm).to(device, torch::kFloat64);
    const torch::Tensor read = torch::stack({loss_sum, nll_sum, norm}).cpu();
    const double update_loss = read[0].item<double>();
    const double update_nll = read[1].item<double>();
    const double grad_norm = read[2].item<double>();
    const bool finite = std::isfinite(update_loss) && std::isfinite(grad_norm);
    if (finite) {
      optimizer.step();
      position.consecutive_skips = 0;
    } else {
      // Skip: no tensor or optimizer moment sees the non-finite values.
      optimizer.zero_grad();
      ++position.skipped_steps;
      ++position.consecutive_skips;
      nlohmann::json record = {{"event", "skip"},        {"step", position.step},
                               {"loss_finite", std::isfinite(update_loss)},
                               {"grad_finite", std::isfinite(grad_norm)}};
      if (position.consecutive_skips >= options.skips_before_lr_drop) {
        position.lr_scale *= 0.5;
        position.consecutive_skips = 0;
        record["lr_scale"] = position.lr_scale;
      }
      log.write(record);
    }
    ++position.step;
    if (finite) {
      window_loss += update_loss;
      window_nll += update_nll;
      window_tokens += update_tokens;
    }
    window_samples += update_samples;
    ++window_updates;

    if (position.step % options.log_every == 0 || position.step == total_updates) {
      const double now_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - window_started).count();
      const double loss = window_tokens > 0 ? window_loss / static_cast<double>(window_tokens)
                                            : std::numeric_limits<double>::quiet_NaN();
      if (first_window) summary.first_loss = loss;
      first_window = false;
      summary.last_loss = loss;
      nlohmann::json record = {{"event", "train"},
                 {"step", position.step},
                 {"epoch", position.epoch},
                 {"loss", loss},
                 {"nll", window_tokens > 0 ? window_nll / static_cast<double>(window_tokens) : 0.0},
                 {"lr", lr},
                 {"grad_norm", grad_norm},
                 {"samples_per_second", now_seconds > 0 ? window_samples / now_seconds : 0.0},
                 {"tokens", window_tokens},
                 {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - run_started).count()}};
      if (!part_norms.is_null()) record["grad_norms"] = part_norms;
      log.write(record);
      if (!quiet) {
        progress.update(position.step,
                        {{"epoch", std::to_string(position.epoch)},
                         {"loss", format_number(loss, "%.4f")},
                         {"lr", format_number(lr, "%.2e")}},
                        window_samples);
      }
      window_loss = window_nll = 0.0;
      window_tokens = window_samples = window_updates = 0;
      window_started = std::chrono::steady_clock::now();
    }
    validated_last_step = false;
    if (options.valid_every > 0 && position.step % options.valid_every == 0 && position.step < total_updates) {
      run_validation();
      validated_last_step = true;
      if (early_stop_now()) {
        position.stopped_early = true;
        log.write({{"event", "early_stop"},
                   {"step", position.step},
                   {"best_step", position.best_step},
                   {"best_metric", position.best_metric},
                   {"patience", options.early_stop_patience}});
        if (!quiet) std::fprintf(stderr, "early stop at step %lld: no new best since step %lld\n",
                                 static_cast<long long>(position.step), static_cast<long long>(position.best_step));
      }
    }
    if (options.save_every > 0 && position.step % options.save_every == 0 && position.step < total_updates) {
      save_checkpoint();
    }
  }
  if (!quiet) progress.finish();
  if (!validated_last_step) run_validation();  // an early stop has just validated this state
  if (group.is_main()) save_tuned_task(method, base, join_path(options.output_dir, "final"), tuned_info("final"));
  save_checkpoint();
  method.set_training(false);

  summary.steps = position.step;
  summary.skipped_steps = position.skipped_steps;
  summary.best_metric = position.best_metric;
  summary.best_step = position.best_step;
  summary.stopped_early = position.stopped_early;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_started).count();
  summary.feature_cache_hits = cache.hits();
  summary.feature_cache_misses = cache.misses();
  log.write({{"event", "end"},
             {"steps", summary.steps},
             {"skipped_rows", loader.skipped_rows()},
             {"skipped_steps", summary.skipped_steps},
             {"best_step", summary.best_step},
             {"best_metric", summary.best_metric},
             {"stopped_early", summary.stopped_early},
             {"seconds", summary.seconds},
             {"feature_cache", {{"hits", cache.hits()}, {"misses", cache.misses()}, {"bytes", cache.bytes()}}}});
  return summary;
}

}  // namespace ofapt

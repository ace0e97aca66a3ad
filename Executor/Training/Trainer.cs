using System.Diagnostics;
using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>
/// The training loop, flat as in nanoGPT: for each step, GlobalBatch/MicroBatch micro-batches each contribute loss/accumulation
/// to the gradients (gradient accumulation), then the global norm is clipped (Pascanu et al. 2013), the learning rate is set
/// from the schedule and the optimizer steps. Single process, fp32, or bf16 / fp16 with fp32 master weights
/// (<see cref="MasterWeights"/>; fp16 with <see cref="DynamicLossScaler"/>); the loss is always taken in fp32.
/// <see cref="NumericalGuard"/> decides whether each update is applied, skipped or rolled back to the last checkpoint (only
/// skipped while no checkpoint has been written yet; execute refuses a rollback without checkpoints). A rollback
/// restores weights, optimizer, schedule step and RNG but lets the data stream run on, so the batches that led to the spike are
/// not replayed (as PaLM did, Chowdhery et al. 2022, §5.1). Each micro-batch runs in its own dispose scope, so its activations
/// are freed as soon as its backward is done; times are wall-clock per phase.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Runs the loop, taking each micro-batch's rows from <paramref name="batches"/>; with <paramref name="resumeFrom"/>, continues
    /// from that checkpoint (the source must already stand at its data position).
    /// </summary>
    public static List<StepMetrics> Run(GptModel model, TrainerOptions options, IBatchSource batches, Action<StepMetrics>? onStep = null, TrainingCheckpoint? resumeFrom = null)
    {
        LayoutRules.RequireBatchSplit(options.GlobalBatch, dp: 1, options.MicroBatch);
        int accumulation = options.GlobalBatch / options.MicroBatch;
        manual_seed(options.Seed);
        using var masters = options.Precision switch
        {
            Precision.Fp32 => null,
            Precision.Bf16 => new MasterWeights(model, ScalarType.BFloat16),
            Precision.Fp16 => new MasterWeights(model, ScalarType.Float16),
            _ => throw new SpecException("layout.precision", $"{options.Precision.Key()} execution is not built; allowed: fp32 bf16 fp16"),
        };
        var scaler = options.Precision == Precision.Fp16 ? new DynamicLossScaler(options.InitialLossScale, options.LossScaleGrowthInterval) : null;
        IReadOnlyList<TorchSharp.Modules.Parameter> updated = masters?.Masters ?? [.. model.parameters()];
        var optimizer = new StepOptimizer(options.Optimizer, updated, options.Schedule.Peak, options.WeightDecay);
        var guard = new NumericalGuard(options.Guards);
        var state = new TrainerState(model, masters, optimizer, scaler, guard, options.IdentityFor(model.Spec));
        var store = options.Checkpoints is { } where ? new CheckpointStore(where.Folder) : null;
        int step = 0;
        if (resumeFrom is not null)
        {
            if (batches.Position != resumeFrom.DataPosition)
                throw new SpecException("--resume", $"the data source stands at sample {batches.Position}, the checkpoint at {resumeFrom.DataPosition}");
            state.Restore(resumeFrom.State, keepBadCount: false);
            step = resumeFrom.Step;
        }
        var metrics = new List<StepMetrics>(options.Steps);
        long vocab = model.Spec.Vocab;
        while (step < options.Steps)
        {
            StepVerdict verdict;
            using (NewDisposeScope())
            {
                ProcessMemory.ResetPeak();
                var clock = Stopwatch.StartNew();
                double data = 0, forward = 0, backward = 0, loss = 0;
                double lossScale = scaler?.Scale ?? 1;
                long tokens = 0;
                model.zero_grad();
                if (model.Routing is { } routing) routing.AuxLossScale = lossScale / accumulation;   // the aux loss is scaled as the main loss
                for (int micro = 0; micro < accumulation; micro++)
                {
                    using var microScope = NewDisposeScope();
                    long t0 = Stopwatch.GetTimestamp();
                    var (inputs, targets) = batches.Next(options.MicroBatch);
                    long t1 = Stopwatch.GetTimestamp();
                    var logits = model.forward(inputs).to(float32);
                    var microLoss = nn.functional.cross_entropy(logits.view(-1, vocab), targets.reshape(-1)) / accumulation;
                    long t2 = Stopwatch.GetTimestamp();
                    (lossScale == 1 ? microLoss : microLoss * lossScale).backward();
                    long t3 = Stopwatch.GetTimestamp();
                    data += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                    forward += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                    backward += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
                    loss += microLoss.item<float>();
                    tokens += inputs.numel();
                }
                long o0 = Stopwatch.GetTimestamp();
                masters?.TakeGradients(lossScale);
                double norm = nn.utils.clip_grad_norm_(updated, options.ClipNorm);
                bool finite = double.IsFinite(loss) && double.IsFinite(norm);
                scaler?.Update(finite);
                (verdict, bool spike) = guard.Judge(step, loss, finite);
                double lr = options.Schedule.At(step);
                if (verdict == StepVerdict.Apply)
                {
                    optimizer.Step(lr);
                    masters?.UpdateModel();
                }
                double optimizerSeconds = Stopwatch.GetElapsedTime(o0).TotalSeconds;
                double seconds = clock.Elapsed.TotalSeconds;
                double? mfu = options.PeakFlops > 0 ? options.ModelFlopsPerStep / seconds / options.PeakFlops : null;   // PaLM App. B: model FLOPs per second over peak
                var m = new StepMetrics(step, loss, tokens / seconds, seconds, data, forward, backward, optimizerSeconds, norm, lr,
                    ProcessMemory.PeakBytes(), mfu, Skipped: verdict != StepVerdict.Apply, LossScale: lossScale, Spike: spike);
                metrics.Add(m);
                onStep?.Invoke(m);
            }
            if (verdict == StepVerdict.Rollback && store?.LoadLatest(out _) is { } last)
            {
                state.Restore(last.State, keepBadCount: true);
                step = last.Step;
                continue;
            }
            step++;
            if (store is not null && step % options.Checkpoints!.Every == 0) store.Save(new TrainingCheckpoint(step, batches.Position, state.Capture()));
        }
        return metrics;
    }
}

using System.Diagnostics;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>How one run trains: batch, steps, schedule, clipping, optimizer, seed, precision; fp16's loss-scaler settings; the
/// model FLOPs of one step and the device's peak FLOP/s for MFU (0: not reported).</summary>
public sealed record TrainerOptions(int GlobalBatch, int MicroBatch, int Steps, LearningRateSchedule Schedule, OptimizerKind Optimizer = OptimizerKind.AdamW,
    double WeightDecay = 0.1, double ClipNorm = 1.0, int Seed = 1, Precision Precision = Precision.Fp32)
{
    /// <summary>fp16's first loss scale (PyTorch GradScaler's init_scale, 2^16).</summary>
    public double InitialLossScale { get; init; } = 65536;

    /// <summary>fp16: good steps before the loss scale doubles (GradScaler's growth_interval).</summary>
    public int LossScaleGrowthInterval { get; init; } = 2000;

    public double ModelFlopsPerStep { get; init; }

    public double PeakFlops { get; init; }
}

/// <summary>
/// The training loop, flat as in nanoGPT: for each step, GlobalBatch/MicroBatch micro-batches each contribute loss/accumulation
/// to the gradients (gradient accumulation), then the global norm is clipped (Pascanu et al. 2013), the learning rate is set
/// from the schedule and the optimizer steps. Single process, fp32, or bf16 / fp16 with fp32 master weights
/// (<see cref="MasterWeights"/>; fp16 with <see cref="DynamicLossScaler"/>); the loss is always taken in fp32. A step whose loss
/// or gradients are not finite is skipped. Times are wall-clock per phase; each micro-batch runs in its own dispose scope, so
/// its activations are freed as soon as its backward is done.
/// </summary>
public static class Trainer
{
    /// <summary>Runs the loop, taking each micro-batch's rows from <paramref name="batches"/>.</summary>
    public static List<StepMetrics> Run(GptModel model, TrainerOptions options, IBatchSource batches, Action<StepMetrics>? onStep = null)
    {
        if (options.GlobalBatch % options.MicroBatch != 0)
            throw new SpecException("training.globalBatchSize", $"{options.GlobalBatch} is not divisible by the micro-batch {options.MicroBatch}");
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
        var metrics = new List<StepMetrics>(options.Steps);
        long vocab = model.Spec.Vocab;
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            ProcessMemory.ResetPeak();
            var clock = Stopwatch.StartNew();
            double data = 0, forward = 0, backward = 0, loss = 0;
            double lossScale = scaler?.Scale ?? 1;
            long tokens = 0;
            model.zero_grad();
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
            double lr = options.Schedule.At(step);
            if (finite)
            {
                optimizer.Step(lr);
                masters?.UpdateModel();
            }
            double optimizerSeconds = Stopwatch.GetElapsedTime(o0).TotalSeconds;
            double seconds = clock.Elapsed.TotalSeconds;
            double? mfu = options.PeakFlops > 0 ? options.ModelFlopsPerStep / seconds / options.PeakFlops : null;   // PaLM App. B: model FLOPs per second over peak
            var m = new StepMetrics(step, loss, tokens / seconds, seconds, data, forward, backward, optimizerSeconds, norm, lr,
                ProcessMemory.PeakBytes(), mfu, Skipped: !finite, LossScale: lossScale);
            metrics.Add(m);
            onStep?.Invoke(m);
        }
        return metrics;
    }
}

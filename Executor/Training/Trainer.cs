using System.Diagnostics;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>How one run trains: batch, steps, schedule, clipping, optimizer, seed.</summary>
public sealed record TrainerOptions(int GlobalBatch, int MicroBatch, int Steps, LearningRateSchedule Schedule, OptimizerKind Optimizer = OptimizerKind.AdamW,
    double WeightDecay = 0.1, double ClipNorm = 1.0, int Seed = 1, Precision Precision = Precision.Fp32);

/// <summary>
/// The training loop, flat as in nanoGPT: for each step, GlobalBatch/MicroBatch micro-batches each contribute loss/accumulation
/// to the gradients (gradient accumulation), then the global norm is clipped (Pascanu et al. 2013), the learning rate is set
/// from the schedule and the optimizer steps. Single process, fp32 or bf16 with fp32 master weights (<see cref="MasterWeights"/>);
/// the loss is always taken in fp32; times are wall-clock per phase.
/// </summary>
public static class Trainer
{
    /// <summary>Runs the loop, taking each micro-batch's rows from <paramref name="batches"/>.</summary>
    public static List<StepMetrics> Run(GptModel model, TrainerOptions options, IBatchSource batches, Action<StepMetrics>? onStep = null)
    {
        if (options.GlobalBatch % options.MicroBatch != 0)
            throw new Simulator.Specs.SpecException("training.globalBatchSize", $"{options.GlobalBatch} is not divisible by the micro-batch {options.MicroBatch}");
        int accumulation = options.GlobalBatch / options.MicroBatch;
        manual_seed(options.Seed);
        if (options.Precision is not (Precision.Fp32 or Precision.Bf16))
            throw new Simulator.Specs.SpecException("layout.precision", $"{options.Precision.Key()} execution is not built yet; allowed today: fp32 bf16");
        using var masters = options.Precision == Precision.Bf16 ? new MasterWeights(model) : null;
        IReadOnlyList<TorchSharp.Modules.Parameter> updated = masters?.Masters ?? [.. model.parameters()];
        var optimizer = new StepOptimizer(options.Optimizer, updated, options.Schedule.Peak, options.WeightDecay);
        var metrics = new List<StepMetrics>(options.Steps);
        long vocab = model.Spec.Vocab;
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            double data = 0, forward = 0, backward = 0, loss = 0;
            long tokens = 0;
            model.zero_grad();
            for (int micro = 0; micro < accumulation; micro++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var (inputs, targets) = batches.Next(options.MicroBatch);
                long t1 = Stopwatch.GetTimestamp();
                var logits = model.forward(inputs).to(float32);
                var microLoss = nn.functional.cross_entropy(logits.view(-1, vocab), targets.reshape(-1)) / accumulation;
                long t2 = Stopwatch.GetTimestamp();
                microLoss.backward();
                long t3 = Stopwatch.GetTimestamp();
                data += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
                forward += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
                backward += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;
                loss += microLoss.item<float>();
                tokens += inputs.numel();
            }
            long o0 = Stopwatch.GetTimestamp();
            masters?.TakeGradients();
            double norm = nn.utils.clip_grad_norm_(updated, options.ClipNorm);
            double lr = options.Schedule.At(step);
            optimizer.Step(lr);
            masters?.UpdateModel();
            double optimizerSeconds = Stopwatch.GetElapsedTime(o0).TotalSeconds;
            double seconds = clock.Elapsed.TotalSeconds;
            var m = new StepMetrics(step, loss, tokens / seconds, seconds, data, forward, backward, optimizerSeconds, norm, lr);
            metrics.Add(m);
            onStep?.Invoke(m);
        }
        return metrics;
    }
}

using System.Diagnostics;
using ScalePlanner.Executor.Model;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>How one run trains: batch, steps, schedule, clipping, optimizer, seed.</summary>
public sealed record TrainerOptions(int GlobalBatch, int MicroBatch, int Steps, LearningRateSchedule Schedule, OptimizerKind Optimizer = OptimizerKind.AdamW,
    double WeightDecay = 0.1, double ClipNorm = 1.0, int Seed = 1);

/// <summary>
/// The training loop, flat as in nanoGPT: for each step, GlobalBatch/MicroBatch micro-batches each contribute loss/accumulation
/// to the gradients (gradient accumulation), then the global norm is clipped (Pascanu et al. 2013), the learning rate is set
/// from the schedule and the optimizer steps. Single process, fp32; times are wall-clock per phase.
/// </summary>
public static class Trainer
{
    /// <summary>Runs the loop; <paramref name="nextMicroBatch"/> returns (inputs, targets) of shape (micro-batch, T).</summary>
    public static List<StepMetrics> Run(GptModel model, TrainerOptions options, Func<(Tensor Inputs, Tensor Targets)> nextMicroBatch, Action<StepMetrics>? onStep = null)
    {
        if (options.GlobalBatch % options.MicroBatch != 0)
            throw new Simulator.Specs.SpecException("training.globalBatchSize", $"{options.GlobalBatch} is not divisible by the micro-batch {options.MicroBatch}");
        int accumulation = options.GlobalBatch / options.MicroBatch;
        manual_seed(options.Seed);
        var optimizer = new StepOptimizer(options.Optimizer, [.. model.parameters()], options.Schedule.Peak, options.WeightDecay);
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
                var (inputs, targets) = nextMicroBatch();
                long t1 = Stopwatch.GetTimestamp();
                var logits = model.forward(inputs);
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
            double norm = nn.utils.clip_grad_norm_(model.parameters(), options.ClipNorm);
            double lr = options.Schedule.At(step);
            optimizer.Step(lr);
            double optimizerSeconds = Stopwatch.GetElapsedTime(o0).TotalSeconds;
            double seconds = clock.Elapsed.TotalSeconds;
            var m = new StepMetrics(step, loss, tokens / seconds, seconds, data, forward, backward, optimizerSeconds, norm, lr);
            metrics.Add(m);
            onStep?.Invoke(m);
        }
        return metrics;
    }
}

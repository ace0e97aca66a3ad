using System.Runtime.InteropServices;

namespace ScalePlanner.Executor.Measurements;

/// <summary>
/// Where one rank's step went, in seconds: reading data, forward and backward (which include the tensor-parallel all-reduces,
/// also given on their own), waiting for a neighbour stage's activations or gradients (pipeline bubble plus point-to-point
/// transfer, and the last stage's wait for the first stage's last backward), waiting for the slowest data-parallel replica to
/// finish backward, averaging gradients over data-parallel replicas after backward (all-reduce, or ZeRO-1's reduce-scatter:
/// exposed) and while it ran (starting and advancing buckets: overlapped), summing the tied embedding's gradient between first
/// and last stage, ZeRO-1's all-gather of the weights, the optimizer (clipping included), and expert parallelism's token
/// dispatch and combine (all-to-alls inside forward and backward, given on their own too), and the time a tensor-parallel
/// collective waited for the other ranks of its group to reach it (inside forward and backward, apart from the all-reduce). Doubles only, laid out in order,
/// so <see cref="Values"/> can hand all of them to one all-reduce.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct StepTimes(double Data, double Forward, double Backward, double TensorReduce, double PipelineWait, double ReplicaWait,
    double GradientReduce, double GradientOverlapped, double EmbeddingReduce, double ParameterGather, double Optimizer, double ExpertExchange = 0,
    double TensorWait = 0)
{
    /// <summary>Every figure of <paramref name="times"/> as one span of doubles, in declaration order.</summary>
    public static Span<double> Values(ref StepTimes times) => MemoryMarshal.Cast<StepTimes, double>(MemoryMarshal.CreateSpan(ref times, 1));

    /// <summary>Every figure times <paramref name="factor"/> (1/ranks turns a sum over ranks into the mean).</summary>
    public readonly StepTimes Scaled(double factor)
    {
        var scaled = this;
        foreach (ref double value in Values(ref scaled)) value *= factor;
        return scaled;
    }
}

/// <summary>
/// One optimizer step of a distributed run: the global loss, the slowest rank's step time, where the time went averaged over
/// the ranks (<see cref="StepTimes"/>), the gradient norm before clipping, the learning rate, the tokens of the step and how
/// many gradient buckets rank 0 started while backward ran; the largest peak resident memory of any rank during the step,
/// whether the guards dropped its update, the fp16 loss scale it ran with (1 otherwise) and whether its loss was a spike.
/// </summary>
public sealed record DistributedStepMetrics(int Step, double Loss, double StepSeconds, StepTimes Times, double GradientNorm, double LearningRate, long Tokens,
    int BucketsStartedInBackward)
{
    public long PeakMemoryBytes { get; init; }
    public bool Skipped { get; init; }
    public double LossScale { get; init; } = 1;
    public bool Spike { get; init; }

    public double TokensPerSecond => Tokens / StepSeconds;

    /// <summary>The step as the one-process loop records it (for the step table, steps.csv and the plots), MFU against <paramref name="peakFlops"/> (0: none).</summary>
    public StepMetrics AsStepMetrics(double modelFlopsPerStep = 0, double peakFlops = 0) =>
        new(Step, Loss, TokensPerSecond, StepSeconds, Times.Data, Times.Forward, Times.Backward, Times.Optimizer, GradientNorm, LearningRate,
            PeakMemoryBytes, peakFlops > 0 ? modelFlopsPerStep / StepSeconds / peakFlops : null, Skipped, LossScale, Spike);
}

/// <summary>A rank's whole run: its steps and how many elements of optimizer state it kept (all its parameters, or its ZeRO-1 block).</summary>
public sealed record DistributedRun(IReadOnlyList<DistributedStepMetrics> Steps, long OptimizerElements);

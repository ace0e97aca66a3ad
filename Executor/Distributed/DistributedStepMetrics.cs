namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// One optimizer step of a distributed run: the global loss, the slowest rank's step time, and where the time went, averaged
/// over the ranks: reading data, forward and backward (which include the tensor-parallel all-reduces, also given on their own), waiting for a neighbour stage's activations or gradients
/// (pipeline bubble plus point-to-point transfer, and the last stage's wait for the first stage's last backward), waiting for
/// the slowest data-parallel replica to finish backward, averaging gradients over data-parallel replicas after backward (all-reduce,
/// or ZeRO-1's reduce-scatter: exposed) and while it ran (starting and advancing buckets: overlapped), summing the tied embedding's gradient between first and last stage, ZeRO-1's all-gather of the weights, and
/// the optimizer (clipping included); and how many gradient buckets this rank started while backward ran.
/// </summary>
public sealed record DistributedStepMetrics(int Step, double Loss, double StepSeconds, double DataSeconds, double ForwardSeconds, double BackwardSeconds,
    double TensorReduceSeconds, double PipelineWaitSeconds, double ReplicaWaitSeconds, double GradientReduceSeconds, double GradientOverlappedSeconds, double EmbeddingReduceSeconds, double ParameterGatherSeconds, double OptimizerSeconds, double GradientNorm,
    double LearningRate, long Tokens, int BucketsStartedInBackward)
{
    public double TokensPerSecond => Tokens / StepSeconds;
}

/// <summary>A rank's whole run: its steps and how many elements of optimizer state it kept (all its parameters, or its ZeRO-1 block).</summary>
public sealed record DistributedRun(IReadOnlyList<DistributedStepMetrics> Steps, long OptimizerElements);

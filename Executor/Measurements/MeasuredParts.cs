namespace ScalePlanner.Executor.Measurements;

/// <summary>
/// Where one step's time went in a multi-process run (medians after warm-up, averaged over ranks): compute, tensor-parallel
/// all-reduces, waiting on neighbour stages (bubble and point-to-point), waiting for the slowest data-parallel replica,
/// data-parallel gradient reduction after backward (exposed) and while backward ran (starting and advancing buckets,
/// overlapped), optimizer and data wait.
/// </summary>
public sealed record MeasuredParts(double Step, double Compute, double TensorParallelComm, double PipelineWait, double ReplicaWait, double DataParallelComm,
    double DataParallelOverlapped, double Optimizer, double DataWait)
{
    /// <summary>Expert parallelism's token dispatch and combine (the all-to-alls inside forward and backward); 0 without ep.</summary>
    public double ExpertParallelComm { get; init; }

    /// <summary>Tensor-parallel collectives waiting for the group's slowest rank to reach them (barrier before each); 0 without tp.</summary>
    public double TensorParallelWait { get; init; }

    /// <summary>
    /// Each part's median over the steps after warm-up. Compute is forward + backward less the tensor-parallel all-reduces and their waits timed
    /// inside them, the expert all-to-alls and the bucket work started inside backward; data-parallel communication sums the exposed gradient reduction,
    /// the tied embedding's all-reduce and ZeRO-1's weight all-gather.
    /// </summary>
    public static MeasuredParts From(IReadOnlyList<DistributedStepMetrics> steps)
    {
        double Median(Func<DistributedStepMetrics, double> part) => Warmup.Median(steps, part);
        return new MeasuredParts(Median(m => m.StepSeconds), Median(m => m.Times.Forward + m.Times.Backward - m.Times.TensorReduce - m.Times.TensorWait - m.Times.ExpertExchange - m.Times.GradientOverlapped), Median(m => m.Times.TensorReduce),
            Median(m => m.Times.PipelineWait), Median(m => m.Times.ReplicaWait), Median(m => m.Times.GradientReduce + m.Times.EmbeddingReduce + m.Times.ParameterGather),
            Median(m => m.Times.GradientOverlapped), Median(m => m.Times.Optimizer), Median(m => m.Times.Data))
        {
            ExpertParallelComm = Median(m => m.Times.ExpertExchange),
            TensorParallelWait = Median(m => m.Times.TensorWait),
        };
    }
}

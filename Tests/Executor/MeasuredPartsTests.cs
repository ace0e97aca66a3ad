using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Tests.Executor;

public class MeasuredPartsTests
{
    private static DistributedStepMetrics Step(int step, StepTimes times) => new(step, 1.0, 1.0, times, 1.0, 1e-3, 1024, 0);

    [Fact]
    public void Should_Take_The_Tensor_Parallel_Wait_Out_Of_Compute_And_Report_It_Apart_From_The_All_Reduce()
    {
        // forward 0.4 + backward 0.5 hold 0.1 of all-reduce and 0.2 of waiting for the other tensor rank: compute is 0.6.
        var times = new StepTimes(Data: 0, Forward: 0.4, Backward: 0.5, TensorReduce: 0.1, PipelineWait: 0, ReplicaWait: 0, GradientReduce: 0,
            GradientOverlapped: 0, EmbeddingReduce: 0, ParameterGather: 0, Optimizer: 0.05, ExpertExchange: 0, TensorWait: 0.2);
        var parts = MeasuredParts.From([.. Enumerable.Range(0, Warmup.Steps + 3).Select(s => Step(s, times))]);
        Assert.Equal(0.6, parts.Compute, 1e-12);
        Assert.Equal(0.1, parts.TensorParallelComm, 1e-12);
        Assert.Equal(0.2, parts.TensorParallelWait, 1e-12);
    }
}

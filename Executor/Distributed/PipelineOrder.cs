using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>One unit of pipeline work: the forward or the backward pass of one micro-batch on this stage.</summary>
public readonly record struct PipelineTask(bool Forward, int MicroBatch);

/// <summary>
/// The order in which one stage runs its micro-batches. GPipe (Huang et al. 2019): every forward, then every backward.
/// 1F1B (PipeDream-Flush, Narayanan et al. 2021, §2): stage s of p runs min(p − s − 1, m) forwards to fill the pipeline, then
/// alternates one forward and one backward, then drains the remaining backwards, so at most p − s activations are alive.
/// </summary>
public static class PipelineOrder
{
    public static IReadOnlyList<PipelineTask> For(PipelineSchedule schedule, int stage, int stages, int microBatches)
    {
        int warmup = schedule == PipelineSchedule.GPipe ? microBatches : Math.Min(stages - stage - 1, microBatches);
        var order = new List<PipelineTask>(2 * microBatches);
        int forward = 0, backward = 0;
        for (; forward < warmup; forward++) order.Add(new PipelineTask(true, forward));
        while (forward < microBatches)
        {
            order.Add(new PipelineTask(true, forward++));
            order.Add(new PipelineTask(false, backward++));
        }
        while (backward < microBatches) order.Add(new PipelineTask(false, backward++));
        return order;
    }
}

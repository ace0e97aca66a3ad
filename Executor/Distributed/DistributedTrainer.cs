using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The training loop of one rank of a tp × cp × dp × pp job. Each step, data-parallel replica d takes rows
/// [k·G + d·G/dp, k·G + (d + 1)·G/dp) of the same sample stream one process would read (k counts the batches drawn, which a
/// rollback does not rewind), each context-parallel rank its chunks of them, runs them through its model chunks
/// (<see cref="PipelineStep"/>), then the update (<see cref="IReplicaUpdate"/>) reduces the gradients over the replicas and
/// takes the global norm. The numerical guards (<see cref="NumericalGuard"/>, fp16's <see cref="DynamicLossScaler"/>) judge the
/// step on the loss and norm all-reduced over the ranks, so every rank keeps, skips or rolls back the same steps (<see cref="RankStep"/>).
/// Because every rank builds the whole model under the same seed and every update rule is elementwise or per parameter, the run
/// follows the one-process run up to summation order.
/// </summary>
public static class DistributedTrainer
{
    /// <param name="open">Opens this replica's sample stream at a sample index of its own (null on stages that read no rows).</param>
    /// <param name="log">Lines for the user: where a resumed run starts and which checkpoint files it passed over.</param>
    public static DistributedRun Run(RankModel model, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed, ContextSplit context,
        Func<long, IBatchSource?> open, Action<DistributedStepMetrics>? onStep = null, Action<string>? log = null)
    {
        LayoutRules.RequireBatchSplit(options.GlobalBatch, grid.DataParallel, options.MicroBatch);
        manual_seed(options.Seed);
        var (update, _) = RankUpdate.Create(model, grid, options, distributed);
        using var disposeUpdate = update;
        var step = new RankStep(model, grid, options, distributed, context, update, log ?? (_ => { }));
        int next = distributed.Resume ? step.Resume() : 0;   // resuming needs a folder: the command checked
        var rows = grid.FirstStage || grid.LastStage ? open(step.Batches * (long)(options.GlobalBatch / grid.DataParallel)) : null;
        var metrics = new List<DistributedStepMetrics>(options.Steps - next);
        while (next < options.Steps)
        {
            var (measured, following) = step.Run(next, rows);
            metrics.Add(measured);
            onStep?.Invoke(measured);
            next = following;
        }
        return new DistributedRun(metrics, update.OptimizerElements);
    }
}

using ScalePlanner.Executor.Checkpoints;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Training;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// One optimizer step on one rank, and everything carried from step to step: the pipeline's passes, the update, the fp16 loss
/// scaler and numerical guards (alike on every rank: they see only all-reduced figures), checkpoints and the replica check.
/// </summary>
public sealed class RankStep
{
    /// <summary>Added to the norm before dividing, as in PyTorch's clip_grad_norm_ (clip_coef = max_norm / (total_norm + 1e-6)).</summary>
    private const double ClipEpsilon = 1e-6;

    private readonly RankModel model;
    private readonly ProcessGrid grid;
    private readonly TrainerOptions options;
    private readonly DistributedOptions distributed;
    private readonly IReplicaUpdate update;
    private readonly PipelineStep pipeline;
    private readonly DynamicLossScaler? scaler;
    private readonly NumericalGuard guard;
    private readonly RankState state;
    private readonly RankCheckpoints? checkpoints;
    private readonly Action<string> log;

    public RankStep(RankModel model, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed, ContextSplit context, IReplicaUpdate update, Action<string> log)
    {
        (this.model, this.grid, this.options, this.distributed, this.update, this.log) = (model, grid, options, distributed, update, log);
        int microBatches = options.GlobalBatch / grid.DataParallel / options.MicroBatch;
        pipeline = new PipelineStep(model, grid, distributed.Schedule, microBatches, options.MicroBatch, context, update.Callbacks);
        scaler = options.Precision == Precision.Fp16 ? new DynamicLossScaler(options.InitialLossScale, options.LossScaleGrowthInterval) : null;
        guard = new NumericalGuard(options.Guards);
        state = new RankState(model, update, new RunIdentity(grid.Layout.ToString(), model.Spec.ToString(), options.GlobalBatch, options.Steps), scaler, guard);
        checkpoints = options.Checkpoints is { } where ? new RankCheckpoints(where.Folder, grid.Mpi) : null;
        checkpoints?.Prepare();
    }

    /// <summary>Global batches drawn from the sample stream so far (steps run, rolled back ones included).</summary>
    public long Batches { get; private set; }

    /// <summary>Runs step <paramref name="step"/>; returns what it measured and the next step to run (earlier after a rollback).</summary>
    public (DistributedStepMetrics Measured, int Next) Run(int step, IBatchSource? rows)
    {
        distributed.Faults.BeforeStep(grid.Mpi.Rank, step);
        using var scope = NewDisposeScope();
        ProcessMemory.ResetPeak();
        var clock = Stopwatch.StartNew();
        model.ZeroGradients();
        double lossScale = scaler?.Scale ?? 1;
        var times = pipeline.Run(rows, distributed.Faults.LossScale(grid.Mpi.Rank, step, lossScale));
        Batches++;
        var (tensorWaitSeconds, tensorSeconds) = grid.TensorGroup.TakeSeconds();
        double expertSeconds = grid.Experts?.Exchange.TakeSeconds() ?? 0;
        var (overlappedBuckets, overlappedSeconds) = update.TakeOverlap();
        // Barriers (microseconds each) split waiting from communicating: the last stage waits for the first stage's last
        // backward (the pipeline's flush), and a replica waits for the slowest replica's backward (skew between replicas).
        double flushSeconds = grid.Stages > 1 && (grid.FirstStage || grid.LastStage) ? Seconds(() => grid.Mpi.Barrier(grid.EmbeddingGroup)) : 0;
        double replicaWaitSeconds = grid.Replicas > 1 ? Seconds(() => grid.Mpi.Barrier(grid.DataGroup)) : 0;
        long u0 = Stopwatch.GetTimestamp();
        var reduced = update.Reduce(lossScale);
        double loss = SumOverWorld(times.Loss * distributed.Faults.LossFactor(grid.Mpi.Rank, step)) / (grid.DataParallel * grid.TensorParallel * grid.ContextParallel);
        bool finite = double.IsFinite(loss) && double.IsFinite(reduced.Norm);
        scaler?.Update(finite);
        var (verdict, spike) = guard.Judge(step, loss, finite);
        double lr = options.Schedule.At(step), gatherSeconds = 0;
        if (verdict == StepVerdict.Apply) gatherSeconds = update.Apply(lr, Math.Min(1, options.ClipNorm / (reduced.Norm + ClipEpsilon)));
        else update.Discard();
        double optimizerSeconds = Stopwatch.GetElapsedTime(u0).TotalSeconds - reduced.ReduceSeconds - reduced.EmbeddingSeconds - gatherSeconds;
        distributed.Faults.AfterUpdate(grid.Mpi.Rank, step, model.Parameters()[0]);
        int next = Keep(step, verdict);
        var sample = SumOverRanks(new StepTimes(times.DataSeconds, times.ForwardSeconds, times.BackwardSeconds, tensorSeconds, times.WaitSeconds + flushSeconds,
            replicaWaitSeconds, reduced.ReduceSeconds, overlappedSeconds, reduced.EmbeddingSeconds, gatherSeconds, optimizerSeconds, expertSeconds, tensorWaitSeconds));
        var measured = new DistributedStepMetrics(step, loss, grid.Mpi.AllReduceMax(clock.Elapsed.TotalSeconds, grid.Mpi.World), sample.Scaled(1.0 / grid.Mpi.Size),
            reduced.Norm, lr, (long)options.GlobalBatch * model.Spec.SequenceLength, overlappedBuckets)
        {
            PeakMemoryBytes = (long)grid.Mpi.AllReduceMax(ProcessMemory.PeakBytes(), grid.Mpi.World),
            Skipped = verdict != StepVerdict.Apply,
            LossScale = lossScale,
            Spike = spike,
        };
        return (measured, next);
    }

    /// <summary>After the update: the replica check and this step's checkpoint, or the rollback; returns the next step.</summary>
    private int Keep(int step, StepVerdict verdict)
    {
        if (verdict == StepVerdict.Rollback && checkpoints?.LoadAgreed(out _) is { } last)
        {
            if (!state.TryRestore(last.State, keepBadCount: true, out string? difference))
                throw new RankFailure($"--on-spike rollback: the checkpoint was written for {difference}", grid.Mpi.Rank == 0);
            log($"rank {grid.Mpi.Rank}: rolled back to the checkpoint of step {last.Step}");
            return last.Step;
        }
        bool saving = checkpoints is not null && (step + 1) % options.Checkpoints!.Every == 0;
        bool checking = distributed.CheckEvery > 0 && (step + 1) % distributed.CheckEvery == 0;
        if ((checking || saving) && grid.Replicas > 1) ReplicaCheck.Run(grid, update.Replicated, step);
        // After the replica check, so corrupted weights never reach a checkpoint; every rank writes its own file.
        if (saving) checkpoints!.Save(step + 1, Batches * options.GlobalBatch, state.Capture());
        return step + 1;
    }

    /// <summary>Restores every rank from the newest step all ranks checkpointed; returns that step (the next one to run).</summary>
    public int Resume()
    {
        var mpi = grid.Mpi;
        bool reporter = mpi.Rank == 0;
        var from = checkpoints!.LoadAgreed(out var rejected);
        foreach (string problem in rejected) log($"rank {mpi.Rank}: passed over checkpoint {problem}");
        if (from is null) throw new RankFailure($"--resume: no step has a valid checkpoint on all {mpi.Size} ranks in '{options.Checkpoints!.Folder}'", reporter);
        bool restored = state.TryRestore(from.State, keepBadCount: false, out string? difference);
        double firstRefused = -mpi.AllReduceMax(-(restored ? mpi.Size : mpi.Rank), mpi.World);   // all ranks learn whether any refused
        if (firstRefused < mpi.Size)
            throw new RankFailure($"--resume: the checkpoints in '{options.Checkpoints!.Folder}' were written for {difference}; resume the run that wrote them", mpi.Rank == firstRefused);
        if (from.Step >= options.Steps)
            throw new RankFailure($"--resume: the checkpoint is at step {from.Step}, the run's last; nothing is left to run", reporter);
        if (reporter) log($"resuming at step {from.Step + 1} from the checkpoint all {mpi.Size} ranks hold (sample {from.DataPosition} of the data stream)");
        Batches = from.DataPosition / options.GlobalBatch;
        return from.Step;
    }

    private double SumOverWorld(double value)
    {
        Span<double> sum = [value];
        grid.Mpi.AllReduceSum(sum, grid.Mpi.World);
        return sum[0];
    }

    /// <summary>This rank's times summed over all ranks in one all-reduce (the struct is doubles only).</summary>
    private StepTimes SumOverRanks(StepTimes times)
    {
        grid.Mpi.AllReduceSum(StepTimes.Values(ref times), grid.Mpi.World);
        return times;
    }

    /// <summary>Seconds <paramref name="action"/> took on this rank.</summary>
    private static double Seconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Training;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Layouts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The training loop of one rank of a tp × dp × pp job. Each step, data-parallel replica d takes rows
/// [step·G + d·G/dp, step·G + (d + 1)·G/dp) of the same sample stream one process would read, runs them through its pipeline
/// stage (<see cref="PipelineStep"/>), sums the tied embedding's two copies, then averages gradients over the replicas, clips the
/// global norm taken over all ranks (Pascanu et al. 2013, as in <see cref="Trainer"/>) and steps the optimizer
/// (<see cref="ReplicatedOptimizer"/>, or <see cref="ShardedOptimizer"/> for ZeRO-1). Because every rank builds the whole model under the same seed and every update
/// rule is elementwise or per parameter, the run follows the one-process run up to fp32 summation order.
/// </summary>
public static class DistributedTrainer
{
    /// <summary>
    /// Added to the norm before dividing, as in PyTorch's clip_grad_norm_ (clip_coef = max_norm / (total_norm + 1e-6)), which
    /// the one-process <see cref="Trainer"/> calls through TorchSharp.
    /// </summary>
    private const double ClipEpsilon = 1e-6;

    /// <param name="open">Opens the sample stream at a given position (a fresh <see cref="IBatchSource"/>).</param>
    /// <param name="log">Lines for the user: where a resumed run starts and which checkpoint files it passed over.</param>
    public static DistributedRun Run(StageModel stage, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed,
        Func<long, IBatchSource> open, Action<DistributedStepMetrics>? onStep = null, Action<string>? log = null)
    {
        LayoutRules.RequireBatchSplit(options.GlobalBatch, grid.DataParallel, options.MicroBatch);
        int perReplica = options.GlobalBatch / grid.DataParallel;
        int microBatches = perReplica / options.MicroBatch;
        manual_seed(options.Seed);
        var parameters = stage.parameters().ToList();
        using var update = Update(stage, parameters, grid, options, distributed);
        var sequenceReplicas = stage.SequenceParallelReplicas();
        var mpi = grid.Mpi;
        var state = new RankState(stage, update, new RunIdentity(grid.Layout.ToString(), stage.Spec.ToString(), options.GlobalBatch, options.Steps));
        var checkpoints = options.Checkpoints is { } where ? new RankCheckpoints(where.Folder, mpi) : null;
        checkpoints?.Prepare();
        int first = distributed.Resume ? Resume(checkpoints!, state, grid, options, log ?? (_ => { })) : 0;   // resuming needs a folder: the command checked
        var metrics = new List<DistributedStepMetrics>(options.Steps - first);
        for (int step = first; step < options.Steps; step++)
        {
            distributed.Faults.BeforeStep(mpi.Rank, step);
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            stage.zero_grad();
            var rows = open((long)step * options.GlobalBatch + (long)grid.DataRank * perReplica);
            var times = PipelineStep.Run(stage, grid, distributed.Schedule, rows, microBatches, options.MicroBatch, update.BeforeLastBackward);
            foreach (var replica in sequenceReplicas) replica.grad!.copy_(grid.TensorGroup.SumOver(replica.grad!));
            double tensorSeconds = grid.TensorGroup.TakeSeconds();
            var (overlappedBuckets, overlappedSeconds) = update.TakeOverlap();

            // Barriers (microseconds each) split waiting from communicating: the last stage waits for the first stage's last
            // backward (the pipeline's flush), and a replica waits for the slowest replica's backward (skew between replicas).
            double flushSeconds = 0, embeddingSeconds = 0;
            if (stage.SharedEmbedding is { } shared)
            {
                flushSeconds = Seconds(() => mpi.Barrier(grid.EmbeddingGroup));
                embeddingSeconds = Seconds(() => mpi.AllReduceSum(TensorMemory.Floats(shared.grad!), grid.EmbeddingGroup));
            }
            double replicaWaitSeconds = grid.DataParallel > 1 ? Seconds(() => mpi.Barrier(grid.DataGroup)) : 0;
            long u0 = Stopwatch.GetTimestamp();
            double lr = options.Schedule.At(step);
            var (norm, reduceSeconds, gatherSeconds) = update.Step(lr, options.ClipNorm, ClipEpsilon);
            double optimizerSeconds = Stopwatch.GetElapsedTime(u0).TotalSeconds - reduceSeconds - gatherSeconds;

            distributed.Faults.AfterUpdate(mpi.Rank, step, parameters[0]);
            bool saving = checkpoints is not null && (step + 1) % options.Checkpoints!.Every == 0;
            bool checking = distributed.CheckEvery > 0 && (step + 1) % distributed.CheckEvery == 0;
            if ((checking || saving) && grid.DataParallel > 1) ReplicaCheck.Run(grid, parameters, step);
            double seconds = clock.Elapsed.TotalSeconds;
            // After the replica check, so corrupted weights never reach a checkpoint; every rank writes its own file.
            if (saving)
                checkpoints!.Save(step + 1, (long)(step + 1) * options.GlobalBatch, state.Capture());

            // The loss is summed over the last stages (every tensor rank of every replica holds it); the times are averaged over ranks.
            var total = SumOverRanks(mpi, new RankSample(times.Loss, new StepTimes(times.DataSeconds, times.ForwardSeconds, times.BackwardSeconds, tensorSeconds,
                times.WaitSeconds + flushSeconds, replicaWaitSeconds, reduceSeconds, overlappedSeconds, embeddingSeconds, gatherSeconds, optimizerSeconds)));
            var m = new DistributedStepMetrics(step, total.Loss / (grid.DataParallel * grid.TensorParallel), mpi.AllReduceMax(seconds, mpi.World),
                total.Times.Scaled(1.0 / mpi.Size), norm, lr, (long)options.GlobalBatch * stage.Spec.SequenceLength, overlappedBuckets);
            metrics.Add(m);
            onStep?.Invoke(m);
        }
        return new DistributedRun(metrics, update.OptimizerElements);
    }

    /// <summary>This rank's loss and times, laid out as doubles only so that one all-reduce sums them all.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private record struct RankSample(double Loss, StepTimes Times);

    private static RankSample SumOverRanks(OpenMpi mpi, RankSample sample)
    {
        mpi.AllReduceSum(MemoryMarshal.Cast<RankSample, double>(MemoryMarshal.CreateSpan(ref sample, 1)), mpi.World);
        return sample;
    }

    /// <summary>Seconds <paramref name="action"/> took on this rank.</summary>
    private static double Seconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Restores every rank from the newest step all ranks checkpointed; returns that step (the next one to run).</summary>
    private static int Resume(RankCheckpoints checkpoints, RankState state, ProcessGrid grid, TrainerOptions options, Action<string> log)
    {
        var mpi = grid.Mpi;
        bool reporter = mpi.Rank == 0;
        var from = checkpoints.LoadAgreed(out var rejected);
        foreach (string problem in rejected) log($"rank {mpi.Rank}: passed over checkpoint {problem}");
        if (from is null) throw new RankFailure($"--resume: no step has a valid checkpoint on all {mpi.Size} ranks in '{options.Checkpoints!.Folder}'", reporter);
        bool restored = state.TryRestore(from.State, out string? difference);
        double firstRefused = -mpi.AllReduceMax(-(restored ? mpi.Size : mpi.Rank), mpi.World);   // all ranks learn whether any refused
        if (firstRefused < mpi.Size)
            throw new RankFailure($"--resume: the checkpoints in '{options.Checkpoints!.Folder}' were written for {difference}; resume the run that wrote them", mpi.Rank == firstRefused);
        if (from.Step >= options.Steps)
            throw new RankFailure($"--resume: the checkpoint is at step {from.Step}, the run's last; nothing is left to run", reporter);
        if (reporter) log($"resuming at step {from.Step + 1} from the checkpoint all {mpi.Size} ranks hold (sample {from.DataPosition} of the data stream)");
        return from.Step;
    }

    private static IReplicaUpdate Update(StageModel stage, List<Parameter> parameters, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed)
    {
        return distributed.ShardOptimizer
            ? new ShardedOptimizer(parameters, [.. stage.named_parameters().Select(p => stage.CountsInNorm(p.name, grid.TensorRank))], grid,
                options.Optimizer, options.Schedule.Peak, options.WeightDecay)
            : new ReplicatedOptimizer(parameters, stage.NormParameters(grid.TensorRank), grid, options.Optimizer, options.Schedule.Peak,
                options.WeightDecay, Averager(stage, grid, parameters, distributed));
    }

    private static IGradientAverager Averager(StageModel stage, ProcessGrid grid, IReadOnlyList<Parameter> parameters, DistributedOptions distributed) => distributed.Compression.Kind switch
    {
        CompressionKind.PowerSgd => new PowerSgd(parameters, distributed.Compression.Rank, distributed.BucketBytes),
        CompressionKind.Bf16 => new GradientBuckets(parameters, distributed.BucketBytes, bf16Wire: true),
        _ when distributed.Overlap && grid.DataParallel > 1 => new OverlappedBuckets(stage, grid.Mpi, grid.DataGroup, distributed.BucketBytes),
        _ => new GradientBuckets(parameters, distributed.BucketBytes),
    };
}

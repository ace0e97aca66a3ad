using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// A run across dp·tp·pp processes. Outside mpirun it starts `mpirun` with that many copies of this same command line
/// (`--hostfile` for several machines) and names a failed rank; inside mpirun (OMPI_COMM_WORLD_SIZE is set) this process is
/// one rank: it takes its share of the machine's cores, builds its pipeline stage, trains with <see cref="DistributedTrainer"/>,
/// and rank 0 keeps the measured steps. A rank that fails ends the whole job (<see cref="RankExit"/>).
/// </summary>
public static class DistributedExecution
{
    public static ExecutionOutcome Run(ExecutionRequest request, IExecutionObserver observer) =>
        OpenMpi.UnderLauncher ? RunRank(request, observer) : Launch(request);

    /// <summary>Runs mpirun; when a rank died or exited with an error, names it and how, and points at --resume when checkpoints were written.</summary>
    private static ExecutionOutcome Launch(ExecutionRequest request)
    {
        var outcome = MpiLauncher.RunSelf(request.Layout.Devices, request.Distributed.Hostfile);
        if (outcome.ExitCode == 0) return new ExecutionOutcome(0);
        string? checkpoints = request.Checkpoints?.Folder;
        string resume = checkpoints is not null && RankCheckpoints.AnyIn(checkpoints) ? $"; continue from the last checkpoint every rank wrote with --resume --checkpoint-dir {checkpoints}" : "";
        return new ExecutionOutcome(outcome.ExitCode)
        {
            Error = outcome.FailedRank is { } failed
                ? $"the distributed run stopped: {failed}{resume}"
                : $"the distributed run failed: mpirun exited with code {outcome.ExitCode}; the failing rank's message is above",
        };
    }

    /// <summary>This process's rank: max(1, cores / ranks on this machine) LibTorch threads, then the rank's training.</summary>
    private static ExecutionOutcome RunRank(ExecutionRequest request, IExecutionObserver observer)
    {
        set_num_threads(Math.Max(1, Environment.ProcessorCount / LocalRanks()));
        using var mpi = new OpenMpi();
        ExecutionOutcome? reported = null;
        int exit = RankExit.Run(mpi, () =>
        {
            reported = Rank(mpi, request, observer);
            return 0;
        }, badInput: ex => ex is SpecException);
        return reported is not null && exit == 0 ? reported : new ExecutionOutcome(exit);
    }

    /// <summary>Ranks on this machine (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE), which share its cores.</summary>
    private static int LocalRanks() =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out int local) && local > 0 ? local : 1;

    private static ExecutionOutcome Rank(OpenMpi mpi, ExecutionRequest request, IExecutionObserver observer)
    {
        var (job, layout, _) = request;
        var grid = new ProcessGrid(mpi, layout);
        var source = InputPipeline.SyntheticSource(job.Model);
        manual_seed(1);
        using var stage = new StageModel(new GptModel(job.Model, job.Training.FlashAttention), grid.Stage, grid.Stages, grid.TensorGroup, job.Training.FlashAttention, layout.Stages(job.Model));
        bool reporter = mpi.Rank == 0;
        if (reporter) observer.Started($"{mpi.Size} ranks (tp={grid.TensorParallel}, dp={grid.DataParallel}, pp={grid.Stages}), {get_num_threads()} LibTorch threads per rank");
        var settings = request.Distributed;
        var options = DistributedOptions.For(layout, settings.CheckEvery, settings.BucketBytes, request.Resume, settings.Faults);
        var run = DistributedTrainer.Run(stage, grid, request.TrainerOptions(), options,
            position => new Data.SyntheticBatches(source, job.Model.SequenceLength, InputPipeline.SyntheticRowSeed, position),
            step => { if (reporter) observer.Step(step); }, observer.Log);
        if (!reporter) return new ExecutionOutcome(0);
        // AdamW and Adam keep two fp32 moments per element, SGD one momentum (Loshchilov & Hutter 2019; Kingma & Ba 2015).
        int moments = layout.Optimizer == OptimizerKind.Sgd ? 1 : 2;
        return new ExecutionOutcome(0)
        {
            Steps = [.. run.Steps.Select(m => m.AsStepMetrics())],
            EntropyRate = source.EntropyRate,
            Distributed = new DistributedSummary(MeasuredParts.From(run.Steps), run.OptimizerElements, moments),
        };
    }
}

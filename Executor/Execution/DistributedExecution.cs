using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Training;
using ScalePlanner.Executor.Measurements;
using ScalePlanner.Executor.Model;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// A run across dp·tp·pp·cp processes. Outside mpirun it starts `mpirun` with that many copies of this same command line
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
        var outcome = MpiLauncher.RunSelf(request.Layout.Devices, Machines(request));
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

    /// <summary>
    /// With --hostfile, the machines and the ranks per machine: the cluster's devices per node, so tensor-parallel neighbours
    /// share a machine exactly where the cost model puts them in one node; refused with one line when the file cannot hold them.
    /// </summary>
    public static Machines? Machines(ExecutionRequest request)
    {
        if (request.Distributed.Hostfile is not { } path) return null;
        try
        {
            var hostfile = Hostfile.Read(path);
            int perNode = Math.Min(request.Job.Cluster.DevicesPerNode, request.Layout.Devices);
            hostfile.Placement(request.Layout.Devices, perNode);
            return new Machines(hostfile, perNode);
        }
        catch (HostfileException ex)
        {
            throw new SpecException("--hostfile", $"{ex.Message} (the scenario's cluster: {request.Job.Cluster.Nodes} nodes × {request.Job.Cluster.DevicesPerNode} devices)");
        }
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
        var grid = new ProcessGrid(mpi, layout, job.Model.Moe?.Experts ?? 0);
        var context = new ContextSplit(layout.Cp, grid.ContextRank, job.Model.SequenceLength);
        var attention = layout.Cp > 1 ? SequenceAttention.Context(new RingAttention(mpi, grid.ContextGroup, context), context)
            : SequenceAttention.Whole(job.Model.SequenceLength, job.Training.FlashAttention);
        manual_seed(1);
        long baseline = ProcessMemory.ResidentBytes();   // runtime, LibTorch and MPI, before any model state
        using var model = new RankModel(new GptModel(job.Model, job.Training.FlashAttention), layout, grid.Stage, new ChunkSettings(grid.TensorGroup, attention, layout.Recompute) { Experts = grid.Experts?.Exchange });
        bool reporter = mpi.Rank == 0;
        var settings = request.Distributed;
        var options = DistributedOptions.For(layout, settings.CheckEvery, settings.BucketBytes, request.Resume, settings.Faults);
        var steps = new List<DistributedStepMetrics>();
        InputPipeline? pipeline = null;
        var slice = new ReplicaSlice(job.Training.GlobalBatchSize, layout.Dp, grid.DataRank);
        try
        {
            var run = DistributedTrainer.Run(model, grid, request.TrainerOptions() with { Guards = SingleProcessExecution.Guards(request, job.Model) }, options, context,
                position =>
                {
                    pipeline = new InputPipeline(request.Input, job.Model, layout.MicroBatch, position, slice);
                    if (reporter) observer.Started(Description(grid, pipeline));
                    return pipeline.Source;
                },
                step =>
                {
                    steps.Add(step);
                    if (reporter) observer.Step(step);
                }, observer.Log);
            var experts = model.Routing is { } routing ? SummedOverRanks(mpi, routing.Histogram()) : null;   // every rank takes part
            return reporter ? Outcome(request, steps, pipeline, new DistributedSummary(MeasuredParts.From(steps), run.OptimizerElements, Moments(layout.Optimizer))) with { BaselineBytes = baseline, Experts = experts } : new ExecutionOutcome(0);
        }
        catch (TrainingDivergedException diverged)
        {
            return reporter ? Outcome(request, steps, pipeline, null) with { ExitCode = ExecutionOutcome.DivergedExitCode, Error = diverged.Message } : new ExecutionOutcome(ExecutionOutcome.DivergedExitCode);
        }
        finally
        {
            pipeline?.Dispose();
        }
    }

    /// <summary>Each rank's routing histogram (tokens it routed, [layer][expert]) summed over all ranks: every token is routed on one rank.</summary>
    private static ExpertLoad SummedOverRanks(OpenMpi mpi, long[][] histogram)
    {
        double[] flat = [.. histogram.SelectMany(layer => layer.Select(n => (double)n))];
        mpi.AllReduceSum(flat, mpi.World);
        int experts = histogram.Length == 0 ? 0 : histogram[0].Length;
        return new ExpertLoad([.. histogram.Select((_, l) => (IReadOnlyList<long>)[.. flat.Skip(l * experts).Take(experts).Select(n => (long)n)])]);
    }

    private static string Description(ProcessGrid grid, InputPipeline pipeline) =>
        $"{grid.Mpi.Size} ranks (tp={grid.TensorParallel}, cp={grid.ContextParallel}, dp={grid.DataParallel}, pp={grid.Stages}{(grid.Experts is null ? "" : $", ep={grid.Layout.Ep}")}), {get_num_threads()} LibTorch threads per rank; data: {pipeline.Description}";

    /// <summary>AdamW and Adam keep two fp32 moments per element, SGD one momentum (Loshchilov &amp; Hutter 2019; Kingma &amp; Ba 2015), LAMB two, Adafactor's factored second moment one.</summary>
    private static int Moments(OptimizerKind optimizer) => optimizer is OptimizerKind.Sgd or OptimizerKind.Adafactor ? 1 : 2;

    private static ExecutionOutcome Outcome(ExecutionRequest request, List<DistributedStepMetrics> steps, InputPipeline? pipeline, DistributedSummary? summary) => new(0)
    {
        Steps = [.. steps.Select(m => m.AsStepMetrics(request.ModelFlopsPerStep, request.PeakFlops * request.Layout.Devices))],
        EntropyRate = pipeline?.EntropyRate ?? double.NaN,
        Distributed = summary,
    };
}

using System.CommandLine;
using ScalePlanner.Mpi;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// The multi-process branch of `execute`. Outside mpirun it starts `mpirun` with dp·tp·pp copies of this same command line
/// (`--hostfile` for several machines) and reports a failed rank; inside mpirun (OMPI_COMM_WORLD_SIZE is set) it is one rank:
/// it builds its pipeline stage, trains with <see cref="DistributedTrainer"/>, and rank 0 prints the steps and the report.
/// </summary>
public sealed class DistributedExecution
{
    private readonly Option<string?> hostfile = new("--hostfile") { Description = "Open MPI hostfile for a run across several machines (multi-process layouts)." };
    private readonly Option<int> checkEvery = new("--check-every") { Description = "Data-parallel replicas compare parameter checksums every K steps (0 = never).", DefaultValueFactory = _ => 10 };
    private readonly Option<double> bucketMegabytes = new("--bucket-mb") { Description = "Data-parallel gradient bucket size in MB (PyTorch DDP's default 25).", DefaultValueFactory = _ => GradientBuckets.DefaultBucketBytes / (1024.0 * 1024) };
    private readonly Option<int> corruptRank = new("--corrupt-rank") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> corruptStep = new("--corrupt-step") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> killRank = new("--kill-rank") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> killStep = new("--kill-step") { Hidden = true, DefaultValueFactory = _ => -1 };

    public void AddTo(Command command)
    {
        command.Options.Add(hostfile);
        command.Options.Add(checkEvery);
        command.Options.Add(bucketMegabytes);
        command.Options.Add(corruptRank);
        command.Options.Add(corruptStep);
        command.Options.Add(killRank);
        command.Options.Add(killStep);
    }

    /// <summary>What runs across processes today; anything else is refused with one line naming the field.</summary>
    public static void Supported(Layout layout, ModelSpec model)
    {
        if (layout.Sp && !LayoutRules.TpSplitsSequence(model, layout.Tp))
            throw new SpecException("layout.sp", $"sequence parallelism splits model.sequenceLength={model.SequenceLength} over tp={layout.Tp}, which must divide it");
        VocabRange.Require(model.Vocab, layout.Tp);
        if (layout.Cp > 1) throw new SpecException("layout.cp", "context-parallel execution is not built; allowed: cp=1");
        if (layout.Zero > 1) throw new SpecException("layout.zero", $"ZeRO-{layout.Zero} in the executor is not built yet; allowed: zero=0 or zero=1");
        if (layout.Zero == 1 && layout.Optimizer is not (OptimizerKind.Sgd or OptimizerKind.Adam or OptimizerKind.AdamW))
            throw new SpecException("layout.optimizer", $"ZeRO-1 updates a flat shard, which {layout.Optimizer.ToString().ToLowerInvariant()} cannot (it needs whole-tensor statistics); allowed with zero=1: sgd adam adamw");
        if (layout.Compression != GradientCompression.None && layout.Zero == 1)
            throw new SpecException("layout.compress", "gradient compression together with ZeRO-1 is not built; allowed with zero=1: none");
        if (layout.Recompute != RecomputeMode.None) throw new SpecException("layout.recompute", "recomputation across processes is not built; allowed with dp·tp·pp > 1: none");
        if (layout.Precision != Precision.Fp32) throw new SpecException("layout.precision", $"multi-process execution runs fp32 only; got {layout.Precision.Key()}");
        if (layout.Schedule == PipelineSchedule.Interleaved) throw new SpecException("layout.schedule", "interleaved execution is not built; allowed: 1f1b gpipe");
        if (layout.Dp > 1 && layout.Overlap && (layout.Zero == 1 || layout.Compression != GradientCompression.None))
            throw new SpecException("layout.overlap", "overlapping gradient reduction with backward is built for plain fp32 buckets only; allowed with zero=1 or compression: off");
    }

    /// <summary>Launches mpirun, or runs this process's rank when already under it; returns the exit code.</summary>
    public int Run(ParseResult parse, ExecuteTrainingOptions training, string scenarioPath, string scenarioName, TrainingJob job, Layout layout, int steps, Simulator.Profiles.DeviceProfile? profile, string? output)
    {
        // Bad input stops here, before any rank starts: the options (the caller checked the layout and loaded the profile).
        var (options, resume) = training.AcrossProcesses(parse, ExecuteTrainingOptions.Defaults(job, layout, steps));
        var distributed = new DistributedOptions(layout.Schedule, layout.Zero == 1, layout.Compression, layout.Overlap, parse.GetValue(checkEvery),
            BucketBytes(parse), resume, parse.GetValue(corruptRank), parse.GetValue(corruptStep), parse.GetValue(killRank), parse.GetValue(killStep));
        if (!OpenMpi.UnderLauncher) return Launch(layout.Devices, parse.GetValue(hostfile), options.Checkpoints?.Folder);
        int threads = Math.Max(1, Environment.ProcessorCount / LocalRanks());
        set_num_threads(threads);
        using var mpi = new OpenMpi();
        return RankExit.Run(mpi, () => Rank(mpi, scenarioPath, scenarioName, job, layout, options, distributed, profile, output));
    }

    /// <summary>Runs mpirun; when a rank died or exited with an error, names it and how, and points at --resume when checkpoints were written.</summary>
    private static int Launch(int ranks, string? hostfile, string? checkpoints)
    {
        var outcome = MpiLauncher.RunSelf(ranks, hostfile);
        if (outcome.ExitCode == 0) return 0;
        string resume = checkpoints is not null && RankCheckpoints.AnyIn(checkpoints) ? $"; continue from the last checkpoint every rank wrote with --resume --checkpoint-dir {checkpoints}" : "";
        Console.Error.WriteLine(outcome.FailedRank is { } failed
            ? $"error: the distributed run stopped: {failed}{resume}"
            : $"error: the distributed run failed: mpirun exited with code {outcome.ExitCode}; the failing rank's message is above");
        return outcome.ExitCode;
    }

    private long BucketBytes(ParseResult parse)
    {
        double megabytes = parse.GetValue(bucketMegabytes);
        if (!(megabytes > 0)) throw new SpecException("--bucket-mb", $"must be a positive number of megabytes, got {megabytes}");
        return (long)Math.Max(1, megabytes * 1024 * 1024);
    }

    /// <summary>Ranks on this machine (Open MPI's OMPI_COMM_WORLD_LOCAL_SIZE), which share its cores.</summary>
    private static int LocalRanks() =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out int local) && local > 0 ? local : 1;

    private static int Rank(OpenMpi mpi, string scenarioPath, string scenarioName, TrainingJob job, Layout layout, TrainerOptions options, DistributedOptions distributed, Simulator.Profiles.DeviceProfile? profile, string? output)
    {
        var grid = new ProcessGrid(mpi, layout);
        var source = InputPipeline.SyntheticSource(job.Model);
        manual_seed(1);
        using var stage = new StageModel(new GptModel(job.Model, job.Training.FlashAttention), grid.Stage, grid.Stages, grid.TensorGroup, job.Training.FlashAttention, layout.Stages(job.Model));
        int steps = options.Steps;
        bool reporter = mpi.Rank == 0;
        if (reporter) Console.Error.WriteLine($"{mpi.Size} ranks (tp={grid.TensorParallel}, dp={grid.DataParallel}, pp={grid.Stages}), {get_num_threads()} LibTorch threads per rank");
        var run = DistributedTrainer.Run(stage, grid, options, distributed, position => new SyntheticBatches(source, job.Model.SequenceLength, InputPipeline.SyntheticRowSeed, position),
            m => { if (reporter) Console.Error.WriteLine(Describe(m, steps)); });
        if (!reporter) return 0;
        var metrics = run.Steps;
        // AdamW and Adam keep two fp32 moments per element, SGD one momentum (Loshchilov & Hutter 2019; Kingma & Ba 2015).
        int moments = layout.Optimizer == OptimizerKind.Sgd ? 1 : 2;
        Console.Error.WriteLine($"optimizer state on rank 0: {run.OptimizerElements:N0} elements × {moments} fp32 moments = {run.OptimizerElements * moments * 4L:N0} bytes");
        var predicted = CostModel.Evaluate(job, layout, profile);
        var asSteps = metrics.Select(m => new StepMetrics(m.Step, m.Loss, m.TokensPerSecond, m.StepSeconds, m.DataSeconds, m.ForwardSeconds,
            m.BackwardSeconds, m.OptimizerSeconds, m.GradientNorm, m.LearningRate)).ToList();
        ExecutionReport.Write(scenarioName, predicted, asSteps, source.EntropyRate);
        DistributedReport.Write(predicted, Parts(metrics));
        if (output is not null)
        {
            CommonOptions.PrintWritten(Reports.Bundles.ExecutionBundle.Build(scenarioName, predicted, asSteps, source.EntropyRate,
                ReportContext.ForDevice(scenarioPath, [job.Cluster.Accelerator], profile, usedTorch: true)).Write(output, DateTime.UtcNow));
        }
        return 0;
    }

    /// <summary>Median of each part over the steps after warm-up (<see cref="ExecutionReport.WarmupSteps"/>).</summary>
    private static MeasuredParts Parts(IReadOnlyList<DistributedStepMetrics> steps)
    {
        double Median(Func<DistributedStepMetrics, double> part) => ExecutionReport.MedianAfterWarmup(steps, part);
        return new MeasuredParts(Median(m => m.StepSeconds), Median(m => m.ForwardSeconds + m.BackwardSeconds - m.TensorReduceSeconds - m.GradientOverlappedSeconds), Median(m => m.TensorReduceSeconds),
            Median(m => m.PipelineWaitSeconds), Median(m => m.ReplicaWaitSeconds), Median(m => m.GradientReduceSeconds + m.EmbeddingReduceSeconds + m.ParameterGatherSeconds),
            Median(m => m.GradientOverlappedSeconds), Median(m => m.OptimizerSeconds), Median(m => m.DataSeconds));
    }

    private static string Describe(DistributedStepMetrics m, int steps) =>
        $"step {m.Step + 1}/{steps}: loss {m.Loss:F6}, {m.StepSeconds:F3} s (per rank: data {m.DataSeconds:F3}, forward {m.ForwardSeconds:F3}, backward {m.BackwardSeconds:F3}, tensor all-reduce {m.TensorReduceSeconds:F3}, " +
        $"pipeline wait {m.PipelineWaitSeconds:F3}, replica wait {m.ReplicaWaitSeconds:F3}, gradient reduce {m.GradientReduceSeconds:F3} exposed + {m.GradientOverlappedSeconds:F3} in backward ({m.BucketsStartedInBackward} buckets started there on rank 0), embedding all-reduce {m.EmbeddingReduceSeconds:F3}, weight all-gather {m.ParameterGatherSeconds:F3}, optimizer {m.OptimizerSeconds:F3}), " +
        $"{m.TokensPerSecond:N0} tokens/s, |g| {m.GradientNorm:F3}";
}

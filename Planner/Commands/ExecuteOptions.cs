using System.CommandLine;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Distributed;
using ScalePlanner.Executor.Execution;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `execute`'s options and what they ask of the executor: the layout (or --best), steps, input data, checkpoints and resume,
/// the loss-spike action, and for runs across processes the hostfile, replica checks, gradient bucket size and the hidden
/// faults the tests inject.
/// </summary>
public sealed class ExecuteOptions
{
    public Argument<string> Scenario { get; } = new("scenario") { Description = "Scenario JSON file." };
    public Option<string> Layout { get; } = new("--layout") { Description = "Layout to run: one process, or dp·tp·pp·cp processes over Open MPI." };
    public Option<bool> Best { get; } = new("--best") { Description = "Run the planner's best layout for the scenario (plan --top 1), instead of --layout." };
    public Option<string?> Profile { get; } = CommonOptions.Profile();
    public Option<string> Format { get; } = CommonOptions.Format("table", "json");
    public Option<string?> Output { get; } = new("--out") { Description = "Folder for report.html, steps.csv, comparison.csv and the plots." };
    private readonly Option<int> steps = new("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 10 };
    private readonly Option<string?> data = new("--data") { Description = "Folder of token shards (from `scaleplan tokenize`); default: the synthetic Markov source." };
    private readonly Option<int> workers = new("--workers") { Description = "Loader workers building micro-batches ahead; 0 builds them on the training thread.", DefaultValueFactory = _ => 0 };
    private readonly Option<int> prefetch = new("--prefetch") { Description = "Micro-batches the workers may hold ready (bounded channel depth).", DefaultValueFactory = _ => 2 };
    private readonly Option<double> maskProbability = new("--mask-prob") { Description = $"Probability of replacing each input token by the mask id {TokenMasking.MaskToken}.", DefaultValueFactory = _ => 0 };
    private readonly Option<string?> checkpointFolder = new("--checkpoint-dir") { Description = "Folder for checkpoints (written atomically with a SHA-256 digest; the newest 3 are kept)." };
    private readonly Option<int> checkpointEvery = new("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 100 };
    private readonly Option<bool> resume = new("--resume") { Description = "Continue from the newest valid checkpoint in --checkpoint-dir (a corrupted one is passed over)." };
    private readonly Option<string> onSpike = new("--on-spike") { Description = "What a loss spike does: warn, skip (drop the update) or rollback (to the last checkpoint).", DefaultValueFactory = _ => "warn" };
    private readonly Option<string?> hostfile = new("--hostfile") { Description = "Open MPI hostfile for a run across several machines (multi-process layouts)." };
    private readonly Option<int> checkEvery = new("--check-every") { Description = "Data-parallel replicas compare parameter checksums every K steps (0 = never).", DefaultValueFactory = _ => 10 };
    private readonly Option<double> bucketMegabytes = new("--bucket-mb") { Description = "Data-parallel gradient bucket size in MB (PyTorch DDP's default 25).", DefaultValueFactory = _ => GradientBuckets.DefaultBucketBytes / (1024.0 * 1024) };
    private readonly Option<int> corruptRank = new("--corrupt-rank") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> corruptStep = new("--corrupt-step") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> killRank = new("--kill-rank") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> killStep = new("--kill-step") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> overflowRank = new("--overflow-rank") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> overflowStep = new("--overflow-step") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> spikeRank = new("--spike-rank") { Hidden = true, DefaultValueFactory = _ => -1 };
    private readonly Option<int> spikeStep = new("--spike-step") { Hidden = true, DefaultValueFactory = _ => -1 };

    public ExecuteOptions() => onSpike.AcceptOnlyFromAmong("warn", "skip", "rollback");

    public void AddTo(Command command)
    {
        command.Arguments.Add(Scenario);
        foreach (Option option in new Option[] { Layout, Best, steps, Profile, Format, Output, data, workers, prefetch, maskProbability,
            checkpointFolder, checkpointEvery, resume, onSpike, hostfile, checkEvery, bucketMegabytes, corruptRank, corruptStep, killRank, killStep, overflowRank, overflowStep, spikeRank, spikeStep })
            command.Options.Add(option);
    }

    /// <summary>Whole-number options and their ranges: steps from the fewest a run measures (two warm-up steps and one) up.</summary>
    private IEnumerable<(Option<int> Option, IntRange Range)> Counts() =>
    [
        (steps, new(ExecutionSupport.MinimumSteps, MaxSteps, "steps")),
        (checkpointEvery, new(1, MaxSteps, "steps")),
        (workers, new(0, MaxWorkers, "loader tasks")),
        (prefetch, new(1, MaxPrefetch, "micro-batches")),
        (checkEvery, new(0, MaxSteps, "steps (0 = never)")),
    ];

    /// <summary>10 million steps: about twenty times Llama 3 405B's pre-training run (about 1.2 million steps at 16M tokens, Dubey et al. 2024).</summary>
    private const int MaxSteps = 10_000_000;

    /// <summary>Loader tasks: 256 is far beyond the cores of one machine, where more tasks than cores only contend.</summary>
    private const int MaxWorkers = 256;

    /// <summary>Prefetched micro-batches: 1,024 held ready is already more memory than the model's activations.</summary>
    private const int MaxPrefetch = 1024;

    /// <summary>A gradient bucket of up to 1 TiB (1,048,576 MB); PyTorch DDP's default is 25 MB.</summary>
    private static readonly NumberRange BucketMegabytes = new(1.0 / 1024, 1 << 20, "MB");

    /// <summary>Every option's own range, before any work (the scenario, --best's search, the prediction).</summary>
    public void CheckRanges(ParseResult parse)
    {
        Reports.OutputFolder.Validate(parse.GetValue(checkpointFolder), checkpointFolder.Name);
        foreach (var (option, range) in Counts()) range.Check(option.Name, parse.GetValue(option));
        BucketMegabytes.Check(bucketMegabytes.Name, parse.GetValue(bucketMegabytes));
        double mask = parse.GetValue(maskProbability);
        if (!(mask >= 0 && mask < 1)) throw new SpecException(maskProbability.Name, $"{mask} is not a probability; allowed: 0 ≤ p < 1");
        if (parse.GetValue(checkpointFolder) is null && Given(parse, checkpointEvery))
            throw new SpecException(checkpointEvery.Name, "needs --checkpoint-dir, the folder to write checkpoints into");
    }

    /// <summary>
    /// Options that steer only a run across processes (the hostfile mpirun places ranks by, replica checks, gradient buckets)
    /// are refused for a run in one process, rather than silently ignored (a hostfile is not even read there).
    /// </summary>
    public void CheckApplies(ParseResult parse, Layout layout)
    {
        if (layout.Devices > 1) return;   // across processes every option applies: the input pipeline runs on each replica
        foreach (var option in new Option[] { hostfile, checkEvery, bucketMegabytes }.Where(o => Given(parse, o)))
            throw new SpecException(option.Name, "steers a run across processes; this layout runs in one process (dp·tp·pp = 1); leave it out");
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>What the options ask the executor to run for <paramref name="layout"/> of <paramref name="job"/>.</summary>
    public ExecutionRequest Request(ParseResult parse, TrainingJob job, Layout layout) => new(job, layout, parse.GetValue(steps))
    {
        Input = new InputOptions(parse.GetValue(data), parse.GetValue(workers), parse.GetValue(prefetch), parse.GetValue(maskProbability)),
        Checkpoints = parse.GetValue(checkpointFolder) is { } folder ? new CheckpointOptions(folder, parse.GetValue(checkpointEvery)) : null,
        Resume = parse.GetValue(resume),
        OnSpike = parse.GetResult(onSpike) is { Implicit: false } ? Enum.Parse<SpikeAction>(parse.GetValue(onSpike)!, ignoreCase: true) : null,
        Distributed = new DistributedSettings(parse.GetValue(hostfile), parse.GetValue(checkEvery), BucketBytes(parse))
        {
            Faults = new RankFaults(parse.GetValue(killRank), parse.GetValue(killStep), parse.GetValue(corruptRank), parse.GetValue(corruptStep))
            {
                OverflowRank = parse.GetValue(overflowRank),
                OverflowStep = parse.GetValue(overflowStep),
                SpikeRank = parse.GetValue(spikeRank),
                SpikeStep = parse.GetValue(spikeStep),
            },
        },
    };

    private long BucketBytes(ParseResult parse) => (long)Math.Max(1, BucketMegabytes.Check(bucketMegabytes.Name, parse.GetValue(bucketMegabytes)) * 1024 * 1024);
}

using System.CommandLine;
using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>`execute`'s training defaults, and its checkpoint and guard options: --checkpoint-dir, --checkpoint-every, --resume, --on-spike.</summary>
public sealed class ExecuteTrainingOptions
{
    private readonly Option<string?> folder = new("--checkpoint-dir") { Description = "Folder for checkpoints (written atomically with a SHA-256 digest; the newest 3 are kept)." };
    private readonly Option<int> every = new("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 100 };
    private readonly Option<bool> resume = new("--resume") { Description = "Continue from the newest valid checkpoint in --checkpoint-dir (a corrupted one is passed over)." };
    private readonly Option<string> onSpike = new("--on-spike") { Description = "What a loss spike does: warn, skip (drop the update) or rollback (to the last checkpoint).", DefaultValueFactory = _ => "warn" };

    public ExecuteTrainingOptions() => onSpike.AcceptOnlyFromAmong("warn", "skip", "rollback");

    public IEnumerable<Option> All => [folder, every, resume, onSpike];

    /// <summary>
    /// What every `execute` trains with: the scenario's global batch, the layout's micro-batch, optimizer and precision, and a
    /// learning rate of 1e-3 warmed up over the first tenth of the steps, then decayed to the end (<see cref="LearningRateSchedule"/>).
    /// </summary>
    public static TrainerOptions Defaults(TrainingJob job, Layout layout, int steps) =>
        new(job.Training.GlobalBatchSize, layout.MicroBatch, steps, new LearningRateSchedule(1e-3, Math.Max(1, steps / 10), steps), layout.Optimizer, Precision: layout.Precision);

    /// <summary>
    /// The checkpoint options of a multi-process run (every rank writes its own files) and whether to resume. The loss-spike
    /// guards do not run across processes, so an explicit --on-spike is refused rather than ignored.
    /// </summary>
    public (TrainerOptions Options, bool Resume) AcrossProcesses(ParseResult parse, TrainerOptions options)
    {
        if (parse.GetResult(onSpike) is { Implicit: false })
            throw new SpecException("--on-spike", "the loss-spike guards across processes are not built; allowed with dp·tp·pp > 1: leave --on-spike out");
        var (checkpoints, resuming) = CheckpointsAndResume(parse);
        return (options with { Checkpoints = checkpoints }, resuming);
    }

    /// <summary>
    /// The options with checkpoints and guards set, and the checkpoint to resume from (null for a fresh run). The loss bound is
    /// 2·ln V: an initialised model guesses about uniformly (loss ln V), so twice that is a run gone wrong, not a slow start.
    /// </summary>
    public (TrainerOptions Options, TrainingCheckpoint? Resume) Apply(ParseResult parse, TrainerOptions options, int vocab, TextWriter log)
    {
        var action = Enum.Parse<SpikeAction>(parse.GetValue(onSpike)!, ignoreCase: true);
        var (checkpoints, resuming) = CheckpointsAndResume(parse);
        options = options with { Guards = new GuardOptions(action, LossBound: 2 * Math.Log(vocab)), Checkpoints = checkpoints };
        if (!resuming) return (options, null);
        var latest = new CheckpointStore(checkpoints!.Folder).LoadLatest(out var rejected);
        foreach (string problem in rejected) log.WriteLine($"passed over checkpoint {problem}");
        if (latest is null) throw new SpecException("--resume", $"no valid checkpoint in '{checkpoints.Folder}'");
        log.WriteLine($"resuming at step {latest.Step + 1} from sample {latest.DataPosition} of the data stream");
        return (options, latest);
    }

    /// <summary>--checkpoint-dir with --checkpoint-every (null without a folder), and --resume, which needs the folder.</summary>
    private (CheckpointOptions? Checkpoints, bool Resume) CheckpointsAndResume(ParseResult parse)
    {
        bool resuming = parse.GetValue(resume);
        if (parse.GetValue(folder) is not { } where)
        {
            if (resuming) throw new SpecException("--resume", "needs --checkpoint-dir, the folder to resume from");
            return (null, false);
        }
        int steps = parse.GetValue(every);
        if (steps < 1) throw new SpecException("--checkpoint-every", $"must be a positive number of steps, got {steps}");
        return (new CheckpointOptions(where, steps), resuming);
    }
}

using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Export;

/// <summary>
/// A training framework a layout can be written out for, each checked against one cited version of its documented options:
/// Megatron-LM core_v0.15.3 (command-line arguments), torchtitan v0.2.2 (TOML job config), DeepSpeed v0.16.4 (JSON config).
/// </summary>
public interface IExportTarget
{
    /// <summary>The name `--emit` takes.</summary>
    string Key { get; }

    /// <summary>The software stack whose costs the cost model uses for this framework.</summary>
    Framework Stack { get; }

    /// <summary>Why the framework cannot express this layout of this job, in one phrase; null when it can.</summary>
    string? Refusal(TrainingJob job, Layout layout);

    /// <summary>The launch configuration; call only when <see cref="Refusal"/> is null.</summary>
    string Write(TrainingJob job, Layout layout, string title);
}

public static class ExportTargets
{
    public static readonly IReadOnlyList<IExportTarget> All = [new MegatronArguments(), new TorchtitanToml(), new DeepSpeedConfig()];

    public static IExportTarget Get(string key) =>
        All.FirstOrDefault(t => t.Key == key) ?? throw new SpecException("--emit", $"unknown target '{key}'; allowed: {string.Join(' ', All.Select(t => t.Key))}");

    /// <summary>The stack mismatch every target refuses first: the layout was costed for another framework.</summary>
    public static string? StackRefusal(IExportTarget target, TrainingJob job) =>
        job.Training.Framework == target.Stack ? null
            : $"the layout was costed for the {job.Training.Framework.Key()} stack; {target.Key} runs the {target.Stack.Key()} stack (training.framework={target.Stack.Key()})";

    /// <summary>Optimizer steps to train the scenario's tokens: ⌈tokens / (global batch · sequence)⌉.</summary>
    public static long Steps(TrainingJob job) =>
        (long)Math.Ceiling(job.Training.Tokens / ((double)job.Training.GlobalBatchSize * job.Model.SequenceLength));
}

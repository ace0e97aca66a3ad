using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Simulator.Plans;

/// <summary>One named part of a step's time (the parts add up to the step, <see cref="TimeParts.Total"/>).</summary>
public readonly record struct StepTerm(string Name, double Seconds);

/// <summary>
/// A step's time split into named terms, as `simulate` prints them: compute, recompute, pipeline bubble, tensor-, context- and
/// data-parallel communication, pipeline communication, optimizer step, data wait, expert-parallel communication. Compute is the work; every other term is an
/// overhead, and the largest overhead is what limits a layout.
/// </summary>
public static class StepTerms
{
    public const string Compute = "compute";

    public static StepTerm[] Of(in TimeParts t) =>
    [
        new(Compute, t.Compute), new("recompute", t.Recompute), new("pipeline bubble", t.PipelineBubble),
        new("tensor-parallel comm", t.TensorParallelComm), new("context-parallel comm", t.ContextParallelComm),
        new("data-parallel comm", t.DataParallelCommExposed), new("pipeline comm", t.PipelineComm),
        new("optimizer step", t.OptimizerStep), new("data wait", t.DataWait), new("expert-parallel comm", t.ExpertParallelComm),
    ];

    /// <summary>The largest term other than compute: what keeps the layout from running at its compute rate.</summary>
    public static StepTerm LargestOverhead(in TimeParts t) => Of(t).Where(term => term.Name != Compute).MaxBy(term => term.Seconds);

    /// <summary>How each term changes from <paramref name="from"/> to <paramref name="to"/> (seconds, signed), largest change first.</summary>
    public static StepTerm[] Changes(in TimeParts from, in TimeParts to)
    {
        var a = Of(from);
        var b = Of(to);
        return [.. a.Select((term, i) => new StepTerm(term.Name, b[i].Seconds - term.Seconds)).OrderByDescending(d => Math.Abs(d.Seconds))];
    }
}

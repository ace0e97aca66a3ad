using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Plans;

/// <summary>
/// The training recipe: the layout choices that change how the model trains, not only how fast it runs (number format,
/// optimizer, gradient compression). The cost model prices their speed; it does not model their effect on convergence, so a
/// layout that departs from the scenario's recipe is marked wherever it is shown.
/// </summary>
public sealed record TrainingRecipe(Precision Precision, OptimizerKind Optimizer, GradientCompression Compression)
{
    /// <summary>bf16 mixed precision with AdamW and uncompressed gradients: the recipe of the Llama 2/3 and GPT-NeoX style runs the presets come from.</summary>
    public static readonly TrainingRecipe Default = new(Precision.Bf16, OptimizerKind.AdamW, GradientCompression.None);

    /// <summary>What the layout changes, in layout-string spelling (e.g. "precision=fp8"); empty when it keeps the recipe.</summary>
    public IReadOnlyList<string> Changes(in Layout layout)
    {
        var changes = new List<string>(3);
        if (layout.Precision != Precision) changes.Add($"precision={layout.Precision.Key()}");
        if (layout.Optimizer != Optimizer) changes.Add($"optimizer={LayoutFormat.Name(layout.Optimizer)}");
        if (layout.Compression != Compression) changes.Add($"compress={layout.Compression}");
        return changes;
    }

    public bool KeptBy(in Layout layout) => Changes(layout).Count == 0;

    /// <summary>The warning shown next to a layout that changes the recipe.</summary>
    public const string Warning = "changes the recipe: convergence not modelled";

    public override string ToString() => $"precision={Precision.Key()}, optimizer={LayoutFormat.Name(Optimizer)}, compress={Compression}";
}

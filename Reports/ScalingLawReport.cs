using System.Text.Json;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>A fitted loss law: parameters with bootstrap uncertainty, the compute-optimal answer for a budget, and the points to plot.</summary>
public sealed record ScalingLawReport(
    string Form, double HuberDelta, int Runs, int Bootstrap, IReadOnlyList<ScalingLawReport.Parameter> Parameters, ScalingLawReport.Optimum? Recommendation,
    IReadOnlyList<ScalingLawReport.Point> Points, IReadOnlyList<ScalingLawReport.Curve> IsoFlop, ScalingLawReport.Curve Frontier)
{
    /// <summary>The runs are synthetic (drawn from a law, not measured), as the runs file's name says: printed with the answer.</summary>
    public bool Synthetic { get; init; }

    /// <summary>The line that says so.</summary>
    public const string SyntheticWarning = "synthetic runs: drawn from a law, not measured; the fit shows how `fit` works, not how big a model to train (fit your own runs, or --law)";

    public sealed record Parameter(string Name, double Value, double StdErr, double[] Ci95);

    public sealed record Optimum(double BudgetFlops, double Parameters, double Tokens, double Loss, double[] ParametersCi95, double[] TokensCi95, double[] LossCi95)
    {
        public double TokensPerParameter => Tokens / Parameters;
    }

    /// <summary>One run: compute, observed and fitted loss.</summary>
    public sealed record Point(double Parameters, double Tokens, double Flops, double Observed, double Fitted);

    /// <summary>A named curve: IsoFLOP (x = parameters, y = loss at fixed compute) or the frontier (x = compute, y = best loss).</summary>
    public sealed record Curve(string Name, double[] X, double[] Y);

    /// <summary>`fit --format json`: one object whose fitted parameters each hold value, stdErr and ci95 (DESIGN.md), plus the recommendation.</summary>
    public string Json()
    {
        var body = new Dictionary<string, object?> { ["form"] = Form, ["huberDelta"] = HuberDelta, ["runs"] = Runs, ["bootstrap"] = Bootstrap, ["synthetic"] = Synthetic };
        foreach (var p in Parameters) body[p.Name] = new { value = p.Value, stdErr = p.StdErr, ci95 = p.Ci95 };
        if (Recommendation is { } r)
            body["recommendation"] = new { budgetFlops = r.BudgetFlops, parameters = r.Parameters, tokens = r.Tokens, loss = r.Loss, tokensPerParameter = r.TokensPerParameter, parametersCi95 = r.ParametersCi95, tokensCi95 = r.TokensCi95, lossCi95 = r.LossCi95 };
        return JsonSerializer.Serialize(body, JsonFormat.Options);
    }

    public void WriteTable(IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        if (Synthetic) console.WriteLine($"warning: {SyntheticWarning}");
        var table = new Table().Title($"{Form} law fitted to {Runs} runs (Huber δ = {HuberDelta:G3}, {Bootstrap} bootstrap refits)").AddColumns("parameter", "value", "std. error", "95 % interval");
        foreach (var p in Parameters) table.AddRow(p.Name, $"{p.Value:G5}", $"{p.StdErr:G3}", Markup.Escape($"[{p.Ci95[0]:G4}, {p.Ci95[1]:G4}]"));
        console.Write(table);
        if (Recommendation is { } r)
        {
            console.WriteLine($"compute-optimal for C = {r.BudgetFlops:0.###e0} FLOPs (C = 6ND): N = {Units.Count(r.Parameters)} parameters [{Units.Count(r.ParametersCi95[0])}, {Units.Count(r.ParametersCi95[1])}], " +
                              $"D = {Units.Count(r.Tokens)} tokens [{Units.Count(r.TokensCi95[0])}, {Units.Count(r.TokensCi95[1])}], {r.TokensPerParameter:F1} tokens per parameter, " +
                              $"predicted loss {r.Loss:F4} [{r.LossCi95[0]:F4}, {r.LossCi95[1]:F4}]");
        }
    }
}

using System.Text.Json;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>`fit --law`: a published scaling law's parameters with their sources and, for a budget, its compute-optimal split.</summary>
public sealed record PublishedLawReport(string Law, string Citation, string Formula, string Note, IReadOnlyList<PublishedLawReport.Parameter> Parameters, PublishedLawReport.Allocation? Recommendation)
{
    /// <summary>A published value; <see cref="StdErr"/> where the paper gives one.</summary>
    public sealed record Parameter(string Name, double Value, double? StdErr, string Source);

    /// <summary>The split of a budget; <see cref="ParametersRoundingRange"/>: N over the rounding of the printed values, when they were rounded.</summary>
    public sealed record Allocation(double BudgetFlops, double Parameters, double Tokens, double Loss, double[]? ParametersRoundingRange)
    {
        public double TokensPerParameter => Tokens / Parameters;
    }

    /// <summary>One object like `fit --format json`: each parameter holds value, stdErr and its source; recommendation as fit's.</summary>
    public string Json()
    {
        var body = new Dictionary<string, object?> { ["law"] = Law, ["citation"] = Citation, ["formula"] = Formula, ["note"] = Note };
        foreach (var p in Parameters) body[p.Name] = new { value = p.Value, stdErr = p.StdErr, source = p.Source };
        if (Recommendation is { } r)
            body["recommendation"] = new { budgetFlops = r.BudgetFlops, parameters = r.Parameters, tokens = r.Tokens, loss = r.Loss, tokensPerParameter = r.TokensPerParameter, parametersRoundingRange = r.ParametersRoundingRange };
        return JsonSerializer.Serialize(body, JsonFormat.Options);
    }

    public void WriteTable(IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        console.WriteLine($"{Law}: {Citation}");
        console.WriteLine($"  {Formula}");
        console.WriteLine($"  {Note}");
        var table = new Table().AddColumns("parameter", "value", "std. error", "source");
        foreach (var p in Parameters) table.AddRow(p.Name, $"{p.Value:G6}", p.StdErr is { } s ? $"{s:G4}" : "—", Markup.Escape(p.Source));
        console.Write(table);
        if (Recommendation is { } r)
        {
            console.WriteLine($"compute-optimal for C = {r.BudgetFlops:0.###e0} FLOPs (C = 6ND): N = {Units.Count(r.Parameters)} parameters, D = {Units.Count(r.Tokens)} tokens, " +
                              $"{r.TokensPerParameter:F1} tokens per parameter, predicted loss {r.Loss:F4}");
            if (r.ParametersRoundingRange is [var low, var high])
                console.WriteLine($"the paper's printed (rounded) parameters allow N from {Units.Count(low)} to {Units.Count(high)} at this budget");
        }
    }
}

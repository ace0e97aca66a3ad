using CsvHelper;

namespace ScalePlanner.Reports.Bundles;

/// <summary>
/// The CSV files of a fitted loss law: parameters.csv (value, standard error, 95 % interval), runs.csv (params, tokens,
/// loss: the columns `fit` reads, plus compute and the fitted loss) and recommendation.csv (the compute-optimal answer).
/// </summary>
public static partial class ScalingLawCsv
{
    [CsvRecord]
    public sealed partial class ParameterRow
    {
        [CsvColumn("parameter")] public string Name { get; set; } = "";
        [CsvColumn("value")] public double Value { get; set; }
        [CsvColumn("std_err")] public double StdErr { get; set; }
        [CsvColumn("ci95_low")] public double Low { get; set; }
        [CsvColumn("ci95_high")] public double High { get; set; }
    }

    [CsvRecord]
    public sealed partial class RunRow
    {
        [CsvColumn("params")] public double Parameters { get; set; }
        [CsvColumn("tokens")] public double Tokens { get; set; }
        [CsvColumn("loss")] public double Loss { get; set; }
        [CsvColumn("flops")] public double Flops { get; set; }
        [CsvColumn("fitted_loss")] public double Fitted { get; set; }
    }

    [CsvRecord]
    public sealed partial class OptimumRow
    {
        [CsvColumn("budget_flops")] public double BudgetFlops { get; set; }
        [CsvColumn("params")] public double Parameters { get; set; }
        [CsvColumn("params_ci95_low")] public double ParametersLow { get; set; }
        [CsvColumn("params_ci95_high")] public double ParametersHigh { get; set; }
        [CsvColumn("tokens")] public double Tokens { get; set; }
        [CsvColumn("tokens_ci95_low")] public double TokensLow { get; set; }
        [CsvColumn("tokens_ci95_high")] public double TokensHigh { get; set; }
        [CsvColumn("tokens_per_param")] public double TokensPerParameter { get; set; }
        [CsvColumn("loss")] public double Loss { get; set; }
    }

    public static void WriteParameters(CsvWriter writer, ScalingLawReport report) => writer.WriteRecords(report.Parameters.Select(p => new ParameterRow
    {
        Name = p.Name, Value = p.Value, StdErr = p.StdErr, Low = p.Ci95[0], High = p.Ci95[1],
    }));

    public static void WriteRuns(CsvWriter writer, ScalingLawReport report) => writer.WriteRecords(report.Points.Select(p => new RunRow
    {
        Parameters = p.Parameters, Tokens = p.Tokens, Loss = p.Observed, Flops = p.Flops, Fitted = p.Fitted,
    }));

    public static void WriteOptimum(CsvWriter writer, ScalingLawReport.Optimum r) => writer.WriteRecords(new[]
    {
        new OptimumRow
        {
            BudgetFlops = r.BudgetFlops, Parameters = r.Parameters, ParametersLow = r.ParametersCi95[0], ParametersHigh = r.ParametersCi95[1],
            Tokens = r.Tokens, TokensLow = r.TokensCi95[0], TokensHigh = r.TokensCi95[1], TokensPerParameter = r.TokensPerParameter, Loss = r.Loss,
        },
    });
}

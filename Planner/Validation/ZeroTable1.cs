using System.Globalization;
using ScalePlanner.Reports;
using CsvHelper;

using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// Rajbhandari et al. SC20 (ZeRO), Table 1: model-state memory per device for Adam in mixed precision (K = 12), GB = 1e9 bytes.
/// The paper prints rounded figures (0.12 for 0.1171875), so each prediction is rounded to the decimals its published figure shows.
/// </summary>
public static partial class ZeroTable1
{
    public const string FileName = "zero_sc20_table1.csv";

    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("model")] public string Model { get; set; } = "";
        [CsvColumn("psi_params")] public double Parameters { get; set; }
        [CsvColumn("dp_degree_Nd")] public int DataParallel { get; set; }
        [CsvColumn("baseline_GB_16psi")] public string Baseline { get; set; } = "";
        [CsvColumn("P_os_GB")] public string OptimizerStates { get; set; } = "";
        [CsvColumn("P_os+g_GB")] public string OptimizerStatesAndGradients { get; set; } = "";
        [CsvColumn("P_os+g+p_GB")] public string Everything { get; set; } = "";
    }

    public static IEnumerable<ValidationRow> Validate(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path));
        double k = OptimizerCosts.StateBytesPerParameter(OptimizerKind.Adam, Precision.Fp16, 0);
        foreach (var row in csv.GetRecords<Row>().ToList())
        {
            string[] published = [row.Baseline, row.OptimizerStates, row.OptimizerStatesAndGradients, row.Everything];
            for (int stage = 0; stage <= 3; stage++)
            {
                double predicted = ModelStateMemory.PerDevice(row.Parameters, row.DataParallel, stage, Precision.Fp16, k).Total / 1e9;
                int decimals = published[stage].Contains('.') ? published[stage].Length - published[stage].IndexOf('.') - 1 : 0;
                yield return new ValidationRow("ZeRO SC20 Table 1", $"{row.Model} Nd={row.DataParallel} stage {stage}", "model-state GB per device",
                    Math.Round(predicted, decimals), double.Parse(published[stage], CultureInfo.InvariantCulture));
            }
        }
    }
}

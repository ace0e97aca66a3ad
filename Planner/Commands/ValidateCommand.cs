using System.CommandLine;
using ScalePlanner.Planner.Validation;
using ScalePlanner.Reports;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan validate`: the cost model against published measurements, with per-row errors and the mean absolute error.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var format = CommonOptions.Format("table", "json");
        var command = new Command("validate", "Compare the cost model with published runs (Megatron SC21 Table 1, ZeRO SC20 Table 1).") { format };
        command.SetAction(parse =>
        {
            var rows = PublishedRuns().ToList();
            if (parse.GetValue(format) == "json") Console.WriteLine(ValidationReport.Json(rows));
            else ValidationReport.WriteTable(rows);
            return 0;
        });
        return command;
    }

    public static IEnumerable<ValidationRow> PublishedRuns()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "validation");
        return MegatronTable1.Validate(Path.Combine(folder, MegatronTable1.FileName))
            .Concat(ZeroTable1.Validate(Path.Combine(folder, ZeroTable1.FileName)))
            .Concat(PublicCorpus.Validate(Path.Combine(folder, PublicCorpus.Folder)));
    }
}

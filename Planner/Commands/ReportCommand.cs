using System.CommandLine;
using ScalePlanner.Reports.Html;

namespace ScalePlanner.Planner.Commands;

/// <summary>`scaleplan report DIR`: rebuilds report.html from the run.json, CSV and SVG files an `--out` folder holds.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("dir") { Description = "A folder written by --out (plan, simulate, calibrate, execute, fit, study)." };
        var command = new Command("report", "Rebuild report.html from the CSV, JSON and SVG files of an --out folder.") { folder };
        command.SetAction(parse =>
        {
            CommonOptions.PrintWritten([ReportFolder.Rebuild(parse.GetValue(folder)!)]);
            return 0;
        });
        return command;
    }
}

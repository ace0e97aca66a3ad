using System.CommandLine;
using ScalePlanner.Planner.Commands;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner;

public static class Program
{
    /// <summary>Every command of `scaleplan`, the hidden ones included.</summary>
    public static RootCommand Root() => new("ScalePlanner: plan, simulate and validate large-model training layouts.")
    {
        PlanCommand.Create(),
        SimulateCommand.Create(),
        ValidateCommand.Create(),
        BenchCommand.Create(),
        CalibrateCommand.Create(),
        FitCommand.Create(),
        ExecuteCommand.Create(),
        TokenizeCommand.Create(),
        StudyCommand.Create(),
        ReportCommand.Create(),
        CalibrateCommand.CollectivesWorker(),
        MpiCheckCommand.Create(),
    };

    public static int Main(string[] args)
    {
        Mpi.SharedCores.PreferPassiveWaiting();   // before LibTorch loads: its OpenMP threads sleep instead of spinning (overridable)
        Mpi.KeptMemory.Keep();                     // before LibTorch allocates: freed blocks stay with the process (overridable)
        Reports.Consoles.Configure();   // plain text, no escape codes, when the output is not a terminal
        var parse = Root().Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            // One line: System.CommandLine lists allowed values on separate lines.
            var messages = parse.Errors.Select(e => string.Join(' ', e.Message.Split(['\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            Console.Error.WriteLine($"error: {string.Join("; ", messages.Distinct())}");
            return 2;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (SpecException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        catch (Mpi.MpiException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 3;
        }
    }
}

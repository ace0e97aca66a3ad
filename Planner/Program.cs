using System.CommandLine;
using ScalePlanner.Planner.Commands;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("ScalePlanner: plan, simulate and validate large-model training layouts.")
        {
            SimulateCommand.Create(),
            ValidateCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message}");
            return 2;
        }
        try
        {
            return parse.Invoke();
        }
        catch (SpecException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
    }
}

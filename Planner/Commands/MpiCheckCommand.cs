using System.CommandLine;
using System.Text.Json;
using ScalePlanner.Mpi;

namespace ScalePlanner.Planner.Commands;

/// <summary>Hidden: the Open MPI binding's all-reduce self-check under mpirun (<see cref="AllReduceCheck"/>); rank 0 prints what it received as JSON.</summary>
public static class MpiCheckCommand
{
    public static Command Create()
    {
        var elements = new Option<int>("--elements") { DefaultValueFactory = _ => 1_000_003 };
        var command = new Command("mpi-check", "(internal) all-reduce self-check of the Open MPI binding") { elements };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var check = AllReduceCheck.Run(parse.GetValue(elements));
            if (check.IsReporter)
                Console.WriteLine(JsonSerializer.Serialize(new { ranks = check.Ranks, elements = check.Elements, mismatches = check.Mismatches, first = check.First, last = check.Last }));
            return check.Mismatches == 0 ? 0 : 1;
        });
        return command;
    }
}

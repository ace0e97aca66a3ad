using System.CommandLine;
using System.Text.Json;
using ScalePlanner.Mpi;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// Hidden: checks the MPI binding under mpirun. Rank r contributes (r + 1)·(i + 1) at index i; the all-reduced sum must be
/// n(n+1)/2·(i + 1) exactly (small integers are exact in fp32). Rank 0 prints what it received as JSON.
/// </summary>
public static class MpiCheckCommand
{
    public static Command Create()
    {
        var elements = new Option<int>("--elements") { DefaultValueFactory = _ => 1_000_003 };
        var command = new Command("mpi-check", "(internal) all-reduce self-check of the Open MPI binding") { elements };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            using var mpi = new OpenMpi();
            int n = parse.GetValue(elements);
            var data = new float[n];
            for (int i = 0; i < n; i++) data[i] = (mpi.Rank + 1f) * (i + 1);
            mpi.AllReduceSum(data, mpi.World);
            float factor = mpi.Size * (mpi.Size + 1) / 2f;
            int mismatches = 0;
            for (int i = 0; i < n; i++)
            {
                if (data[i] != factor * (i + 1)) mismatches++;
            }
            if (mpi.Rank == 0)
                Console.WriteLine(JsonSerializer.Serialize(new { ranks = mpi.Size, elements = n, mismatches, first = data.Take(4), last = data[^1] }));
            return mismatches == 0 ? 0 : 1;
        });
        return command;
    }
}

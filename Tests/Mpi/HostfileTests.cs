using ScalePlanner.Mpi;

namespace ScalePlanner.Tests.Mpi;

/// <summary>Open MPI hostfiles as `execute --hostfile` and `calibrate --hostfile` read them, and where the ranks go.</summary>
public class HostfileTests
{
    private static string Write(string text)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("scaleplan-hostfile-").FullName, "hosts");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Should_Read_Hosts_Slots_And_Comments_As_Open_MPI_Writes_Them()
    {
        var file = Hostfile.Read(Write("# two machines\n10.213.7.10 slots=2\n\nnode-b slots = 4 max_slots=8   # the bigger one\nnode-c\n"));
        Assert.Equal([new Hostfile.Host("10.213.7.10", 2), new Hostfile.Host("node-b", 4), new Hostfile.Host("node-c", 1)], file.Hosts);
        Assert.Equal(7, file.Slots);
    }

    [Fact]
    public void Should_Place_Consecutive_Ranks_On_Each_Machine_In_File_Order()
    {
        var file = Hostfile.Read(Write("a slots=2\nb slots=2\nc slots=2\n"));
        var placement = file.Placement(ranks: 4, perNode: 2);
        Assert.Equal(["a", "b"], placement.Select(p => p.Host.Name));
        Assert.Equal([0, 1], placement[0].Ranks);
        Assert.Equal([2, 3], placement[1].Ranks);
        Assert.Equal([[0], [1]], file.Placement(ranks: 2, perNode: 1).Select(p => p.Ranks));
    }

    [Theory]
    [InlineData("a slots=two\n", "line 1 of '{0}' is 'a slots=two'; allowed: HOST [slots=N] [max_slots=M] with N, M positive integers")]
    [InlineData("# nothing\n", "'{0}' names no host; allowed: one 'HOST slots=N' per line")]
    [InlineData("a slots=0\n", "line 1 of '{0}': slots must be at least 1, got 0")]
    public void Should_Refuse_A_Bad_File_Naming_The_Line(string text, string message)
    {
        string path = Write(text);
        var error = Assert.Throws<HostfileException>(() => Hostfile.Read(path));
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path), error.Message);
    }

    [Fact]
    public void Should_Refuse_A_Placement_The_Machines_Cannot_Hold()
    {
        string path = Write("a slots=2\nb slots=1\n");
        var file = Hostfile.Read(path);
        Assert.Equal($"4 ranks at 1 per machine need 4 machines; '{path}' lists 2", Assert.Throws<HostfileException>(() => file.Placement(4, 1)).Message);
        Assert.Equal($"2 ranks per machine, but '{path}' gives b 1 slot(s)", Assert.Throws<HostfileException>(() => file.Placement(4, 2)).Message);
    }
}

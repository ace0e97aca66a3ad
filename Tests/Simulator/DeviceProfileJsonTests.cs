using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

public class DeviceProfileJsonTests
{
    [Fact]
    public void Should_Round_Trip_Every_Catalog_Profile()
    {
        foreach (var accelerator in AcceleratorCatalog.All.Values)
        {
            var profile = accelerator.DefaultProfile;
            var back = DeviceProfileJson.Deserialize(DeviceProfileJson.Serialize(profile), "test");
            Assert.Equal(DeviceProfileJson.Serialize(profile), DeviceProfileJson.Serialize(back));
            Assert.Equal(profile.GemmEfficiency(Precision.Bf16), back.GemmEfficiency(Precision.Bf16));
        }
    }

    [Fact]
    public void Should_Change_The_Prediction_When_A_Profile_Is_Given()
    {
        var job = Jobs.Of("gpt3-175b", "a100-sxm-80gb", 128, 1536);
        var layout = ScalePlanner.Simulator.Layouts.Layout.Parse("dp=16,tp=8,pp=8");
        var slower = AcceleratorCatalog.Get("a100-sxm-80gb").DefaultProfile with { SustainedClockFraction = 0.5 };
        var reloaded = DeviceProfileJson.Deserialize(DeviceProfileJson.Serialize(slower), "test");
        Assert.True(CostModel.Evaluate(job, layout, reloaded).StepTimeSeconds
                  > CostModel.Evaluate(job, layout).StepTimeSeconds * 1.3);
    }

    [Theory]
    [InlineData("{ \"name\": \"x\" }", "profile")]
    [InlineData("not json", "profile")]
    public void Should_Reject_A_File_That_Is_Not_A_Profile(string json, string field) =>
        Assert.Equal(field, Assert.Throws<SpecException>(() => DeviceProfileJson.Deserialize(json, "test")).Field);

    [Fact]
    public void Should_Reject_Efficiencies_Above_One()
    {
        var bad = AcceleratorCatalog.Get("h100-sxm").DefaultProfile with { IntraNodeLinkEfficiency = 1.5 };
        Assert.Equal("profile.intraNodeLinkEfficiency", Assert.Throws<SpecException>(() => DeviceProfileJson.Deserialize(DeviceProfileJson.Serialize(bad), "test")).Field);
    }
}

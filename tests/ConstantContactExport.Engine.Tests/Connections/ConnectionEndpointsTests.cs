using System;
using ConstantContactExport.Engine.Connections;

namespace ConstantContactExport.Engine.Tests.Connections;

public sealed class ConnectionEndpointsTests
{
    [Theory]
    [InlineData("https://api.cc.email/v3", "https://api.cc.email/v3")]
    [InlineData("https://api.cc.email/v3/", "https://api.cc.email/v3")]
    [InlineData("http://127.0.0.1:5123/v3", "http://127.0.0.1:5123/v3")]
    [InlineData("http://localhost:5123/oauth2/default/v1/", "http://localhost:5123/oauth2/default/v1")]
    [InlineData("http://[::1]:5123/v3", "http://[::1]:5123/v3")]
    public void Accepts_https_and_loopback_http(string given, string expected)
    {
        Assert.Equal(expected, ConnectionEndpoints.Check(new Uri(given), "ApiBaseUri").AbsoluteUri.TrimEnd('/'));
    }

    [Theory]
    [InlineData("http://api.cc.email/v3")]
    [InlineData("http://10.0.0.5/v3")]
    [InlineData("http://sandbox.example.test:8080/v3")]
    public void Refuses_plain_http_off_loopback(string given)
    {
        var error = Assert.Throws<ConnectionException>(() => ConnectionEndpoints.Check(new Uri(given), "ApiBaseUri"));
        Assert.Equal(ConnectionErrorIds.InsecureEndpoint, error.ErrorId);
        Assert.Equal(ConnectionErrorKind.SecurityError, error.Kind);
    }

    [Theory]
    [InlineData("ftp://api.cc.email/v3")]
    [InlineData("https://user:pw@api.cc.email/v3")]
    [InlineData("https://api.cc.email/v3?x=1")]
    public void Refuses_what_is_not_a_base_uri(string given)
    {
        Assert.Equal(ConnectionErrorIds.InvalidEndpoint, Assert.Throws<ConnectionException>(() => ConnectionEndpoints.Check(new Uri(given), "ApiBaseUri")).ErrorId);
    }

    [Fact]
    public void Defaults_are_Constant_Contacts()
    {
        Assert.Equal("https://api.cc.email/v3", ConnectionEndpoints.DefaultApiBaseUri.AbsoluteUri);
        Assert.Equal("https://authz.constantcontact.com/oauth2/default/v1", ConnectionEndpoints.DefaultAuthBaseUri.AbsoluteUri);
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ConstantContact.Sandbox.Account;
using ConstantContact.Sandbox.Activities;
using ConstantContact.Sandbox.Contacts;
using ConstantContact.Sandbox.Faults;
using ConstantContact.Sandbox.Imports;
using ConstantContact.Sandbox.Inspection;
using ConstantContact.Sandbox.Limits;
using ConstantContact.Sandbox.OAuth;

namespace ConstantContact.Sandbox.Hosting;

/// <summary>Builds and starts the sandbox: the command line and the tests both come through here.</summary>
public static class SandboxHost
{
    /// <param name="embedded">True inside another process: no console lifetime, so the host's signals stay the host's.</param>
    public static async Task<RunningSandbox> StartAsync(SandboxOptions options, TimeProvider? time = null, bool embedded = true, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Nothing from the command line or the environment may reconfigure the server: it listens where it is told.
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Standard output carries the banner alone, so every log line goes to standard error, and only warnings.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Error);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ImportLimits.MaxRequestBytes;
            // HTTP/1.1 only: a dropped connection (reset, lost-response) then means what it means to a real client.
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = ImportLimits.MaxRequestBytes);
        if (embedded)
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        }
        else
        {
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }

        AddServices(builder.Services, options, time);
        var app = builder.Build();
        app.UseRouting();
        app.UseWhen(c => !c.Request.Path.StartsWithSegments(InspectionEndpoints.BasePath), b => b.UseMiddleware<RequestCountingMiddleware>());
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v3"), b => b.UseMiddleware<ApiGateMiddleware>());
        MapEndpoints(app);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningSandbox(app, new Uri(address).Port, options);
    }

    private static void AddServices(IServiceCollection services, SandboxOptions options, TimeProvider time)
    {
        var db = new ContactDatabase();
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(db);
        services.AddSingleton(new ActivityStore(db, time, options.ActivityDelayMs));
        services.AddSingleton(new TokenStore(time, options.TokenLifetimeSeconds, options.RefreshTokenMode));
        services.AddSingleton(new DeviceAuthorizationStore(time, options.ManualApproval, options.DeviceIntervalSeconds, options.DeviceCodeLifetimeSeconds));
        services.AddSingleton(new AuthorizationCodeStore(time));
        services.AddSingleton(new ClientAuthenticator(options.ClientId, options.ClientSecret));
        services.AddSingleton(new SandboxLimits(options.RateLimit, options.DailyQuota, options.TokenRateLimit, time));
        services.AddSingleton(new FaultInjector(options.FaultRate, options.FaultKinds, options.Seed ?? Random.Shared.Next(), options.SlowDelayMs));
        services.AddSingleton(new RequestStatistics());
        services.AddSingleton(new ActivityEndFaults(options.ActivityEnds));
        services.AddHostedService<ActivityProcessor>();
    }

    private static void MapEndpoints(WebApplication app)
    {
        OAuthEndpoints.Map(app);
        var v3 = app.MapGroup("/v3");
        var contactData = app.MapGroup("/v3").WithMetadata(new RequiredScope(Scopes.ContactData));
        ContactListEndpoints.Map(contactData);
        CustomFieldEndpoints.Map(contactData);
        ContactEndpoints.Map(contactData);
        ActivityEndpoints.Map(contactData);
        AccountEndpoints.Map(v3);
        InspectionEndpoints.Map(app);
    }
}

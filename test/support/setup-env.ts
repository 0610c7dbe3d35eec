// Runs before every integration and e2e spec file: refuse to touch a database
// whose name does not say it is for tests.
const url = process.env.DATABASE_URL;
if (url) {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) {
    throw new Error(
      `Refusing to run tests against database "${name}": its name must contain "test".`,
    );
  }
}

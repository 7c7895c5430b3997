// Fixture script for server_test.
export const greeting = "hello";

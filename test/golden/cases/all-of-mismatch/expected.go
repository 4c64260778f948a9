<no changes>
